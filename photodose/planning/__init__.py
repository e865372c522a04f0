"""Treatment planning: time and power per spot, spots and schedule within every limit."""

from photodose.planning.plan import Plan, PlanDetails, plan, plan_request
from photodose.planning.request import PlanRequest
from photodose.planning.verify import Verification, verify_plan

__all__ = [
    "Plan",
    "PlanDetails",
    "PlanRequest",
    "Verification",
    "plan",
    "plan_request",
    "verify_plan",
]
