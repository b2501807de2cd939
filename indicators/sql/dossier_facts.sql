-- grain: one row per dossier received (or submitted) at a known unit, with its end of processing and deadline facts;
-- its procedure by number (procedure_ids). With a window (engine.facts_sql), only the dossiers that can count in
-- [$start, $end): received before its end and not ended before its start.
with
dossiers as (
    select * from dossiers where {window_received}
),
units as (
    -- the unit tree holds every unit with its validity and its province
    select unit_code, valid_from, valid_to, province_code from t_tree
),
procedures as (
    select province_code, procedure_code, fee_bearing, requires_result_document, max_processing_days from procedures
),
ids as (
    select procedure_code, procedure_id from procedure_ids
),
calendar as (
    select * from work_calendar
),
events as (
    select dossier_code,
           true as has_events,
           min("at") filter (where event = 'received') as received_event_at,
           min("at") filter (where event = 'finished') as finished_event_at,
           min("at") filter (where event = 'returned') as returned_event_at,
           min("at") filter (where event in ('stopped', 'rejected')) as stopped_event_at,
           min("at") filter (where event = 'withdrawn') as withdrawn_event_at,
           count(*) filter (where event = 'supplement_requested') as n_supplement_requests,
           min("at") filter (where event = 'supplement_requested') as supplement_requested_at,
           (min("at", 2) filter (where event = 'supplement_requested'))[2] as second_request_at,
           min("at") filter (where event = 'supplement_completed') as supplement_completed_at
    from dossier_events
    group by dossier_code
),
joined as (
    -- each dossier with its processing records; located_on: the day its unit is looked up on
    select d.dossier_code, d.procedure_code, d.unit_code, coalesce(d.received_at, d.submitted_at)::date as located_on,
           d.channel, d.status, d.due_at, d.finished_at, d.returned_at, d.updated_at,
           coalesce(d.received_at, e.received_event_at) as received_at,
           d.synced_to_portal as is_synced, coalesce(d.fee_total, 0) as fee_total, d.paid_online,
           d.components_digitized, d.result_file_attached, d.reused_digitized_data, d.from_personal_store,
           d.population_data_used, d.rating, d.has_complaint,
           coalesce(e.has_events, false) as has_events, e.finished_event_at, e.returned_event_at, e.stopped_event_at,
           e.withdrawn_event_at, coalesce(e.n_supplement_requests, 0) as n_supplement_requests,
           e.supplement_requested_at, e.second_request_at,
           case when e.supplement_completed_at >= e.supplement_requested_at then e.supplement_completed_at end
               as supplement_completed_at
    from dossiers d
    left join events e on e.dossier_code = d.dossier_code
),
ended as (
    -- end of processing: the first terminal event by priority finished > returned > stopped/rejected >
    -- withdrawal after receipt > a single supplement request left unanswered; without events, the columns
    select *,
           case when has_events then
                    case when finished_event_at is not null then 'finished'
                         when returned_event_at is not null then 'returned'
                         when stopped_event_at is not null then 'stopped'
                         when withdrawn_event_at >= received_at then 'withdrawn'
                         when n_supplement_requests = 1 and supplement_completed_at is null then 'supplement'
                    end
                else
                    case when finished_at is not null then 'finished'
                         when returned_at is not null then 'returned'
                         when status = 'finished' then 'finished'
                         when status in ('stopped', 'rejected') then 'stopped'
                         when status = 'withdrawn' and received_at is not null then 'withdrawn'
                         when status = 'supplement_requested' then 'supplement'
                    end
           end as end_kind,
           -- withdrawn before it was ever received and never ended otherwise: never processed
           (has_events and withdrawn_event_at is not null and finished_event_at is null and returned_event_at is null
                and stopped_event_at is null and (received_at is null or withdrawn_event_at < received_at))
           or (not has_events and status = 'withdrawn' and received_at is null) as is_withdrawn_unreceived
    from joined
),
recorded as (
    -- the moment of that end, by the same priority (the end kind's moment, without the kind to compare)
    select *,
           case when has_events then
                    case when finished_event_at is not null then finished_event_at
                         when returned_event_at is not null then returned_event_at
                         when stopped_event_at is not null then stopped_event_at
                         when withdrawn_event_at >= received_at then withdrawn_event_at
                         when n_supplement_requests = 1 and supplement_completed_at is null then supplement_requested_at
                    end
                else
                    case when finished_at is not null then finished_at
                         when returned_at is not null then returned_at
                         when status in ('finished', 'stopped', 'rejected', 'supplement_requested') then updated_at
                         when status = 'withdrawn' and received_at is not null then updated_at
                    end
           end as recorded_end_at
    from ended
),
timed as (
    -- a dossier cannot end before it was received: an end recorded earlier is taken as its receipt
    select * exclude (recorded_end_at),
           case when recorded_end_at < received_at then received_at else recorded_end_at end as end_at
    from recorded
),
kept as (
    select * from timed where {window_kept}
),
located as (
    -- a dossier belongs to the unit with its code valid on the day it was received
    select t.* exclude (located_on), u.valid_from as unit_valid_from, u.province_code
    from kept t
    join units u
      on u.unit_code = t.unit_code
     and (u.valid_from is null or u.valid_from <= t.located_on)
     and (u.valid_to is null or u.valid_to >= t.located_on)
),
final as (
    select t.* exclude (finished_event_at, returned_event_at, stopped_event_at, withdrawn_event_at, finished_at,
                        returned_at, status, updated_at, has_events),
           i.procedure_id, p.fee_bearing, p.requires_result_document, p.max_processing_days,
           wt(cr.n_before, cr.is_working, t.received_at) as wt_received,
           wt(ce.n_before, ce.is_working, t.end_at) as wt_end,
           wt(cq.n_before, cq.is_working, t.supplement_requested_at) as wt_requested,
           wt(cc.n_before, cc.is_working, t.supplement_completed_at) as wt_completed,
           -- the citizen's supplement time, taken out of the elapsed time of a dossier that went on after it
           case when t.end_kind <> 'supplement' and t.supplement_completed_at is not null
                then t.supplement_completed_at - t.supplement_requested_at else interval 0 second end
               as supplement_interval
    from located t
    left join procedures p on p.province_code = t.province_code and p.procedure_code = t.procedure_code
    join ids i on i.procedure_code = t.procedure_code
    left join calendar cr on cr.day = t.received_at::date
    left join calendar ce on ce.day = t.end_at::date
    left join calendar cq on cq.day = t.supplement_requested_at::date
    left join calendar cc on cc.day = t.supplement_completed_at::date
)
select {codes}unit_code, unit_valid_from, procedure_id, channel, received_at, due_at, end_at, end_kind,
       is_withdrawn_unreceived, max_processing_days, supplement_requested_at, second_request_at,
       supplement_completed_at, wt_received, wt_requested, wt_completed,
       -- a decimal, so that sums of it are exact whatever order the rows are added up in
       ((wt_end - wt_received) / wdays(1.0))::decimal(18, 12) as working_days,
       is_synced, fee_total, paid_online, components_digitized, result_file_attached, reused_digitized_data,
       from_personal_store, population_data_used, requires_result_document, fee_bearing, rating, has_complaint,
       -- on time at its end: one supplement request at most, then the due time as recorded (less the supplement
       -- time only where the rule set says the source keeps the first due date), else the statutory working days
       -- less the supplement time; neither: unknown (null)
       case when end_at is null then null
            when n_supplement_requests > 1 then false
            when due_at is not null then
                end_at - case when (select deduct_supplement_from_due from run_params) then supplement_interval
                              else interval 0 second end <= due_at
            -- received outside the calendar: no working time, not on time
            when max_processing_days is not null then coalesce(
                wt_end - wt_received
                - case when supplement_interval > interval 0 second then wt_completed - wt_requested else 0 end
                <= wdays(max_processing_days), false)
       end as is_on_time_at_end
from final
