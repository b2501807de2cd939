"""The only place pages get data from: one module per subject, each a set of named functions running SQL
with bound parameters through `base.frame`. Pages import the module they need (`from dashboard.queries import
scores`); no page holds SQL."""
