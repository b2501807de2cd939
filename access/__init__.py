"""Sign-in and access by unit: accounts, sessions, the scope every dossier-level query is limited to, and the audit.

- `scope`: `Scope(role, unit_code)`, built only from the signed-in user (or `Scope.country()` for commands and
  admins), and the SQL naming the units a scope covers.
- `store`: the accounts, sessions, sign-in attempts and audit, in a small SQLite file of their own
  (`KPI766_ACCESS_DB`), which no load and no demo rebuild touches.
- `audit`: `record(event, **fields)`.
- `web`: `install(app)`, the sign-in page, sign-out, the one guard in front of every request.
- `oidc`: sign-in through the province's identity provider (OpenID Connect).
- `python -m access user ...`: the accounts from the command line.
"""
