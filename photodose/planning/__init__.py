"""Treatment planning: time and power per spot, spots and schedule within every limit."""

from photodose.planning.check import check, check_request
from photodose.planning.plan import FixedProtocol, Plan, PlanDetails, plan, plan_request
from photodose.planning.request import PlanRequest
from photodose.planning.verify import Verification, verify_plan

__all__ = [
    "FixedProtocol",
    "Plan",
    "PlanDetails",
    "PlanRequest",
    "Verification",
    "check",
    "check_request",
    "plan",
    "plan_request",
    "verify_plan",
]
