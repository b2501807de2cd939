-- grain: one row per feedback item, located at the unit valid on the day it was received
with
feedback as (
    select * from feedback
),
units as (
    select unit_code, valid_from, valid_to from units
),
final as (
    select f.feedback_id, f.unit_code, u.valid_from as unit_valid_from, f.category, f.received_at, f.due_at,
           f.handled_at, coalesce(f.likes, 0) as likes, coalesce(f.dislikes, 0) as dislikes, f.reraised
    from feedback f
    join units u
      on u.unit_code = f.unit_code
     and (u.valid_from is null or u.valid_from <= f.received_at::date)
     and (u.valid_to is null or u.valid_to >= f.received_at::date)
)
select * from final
