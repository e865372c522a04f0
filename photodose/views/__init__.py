"""What a plan looks like in rows and words, shared by the CLI, the report and the web
pages, so that each of them only formats. Built from a plan's saved fields only."""

from photodose.views.plan import PlanView, plan_view
from photodose.views.rows import Row, number

__all__ = ["PlanView", "Row", "number", "plan_view"]
