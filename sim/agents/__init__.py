"""Mesa agents: the model's API for every actor of the stakeholder network.

Each agent is a view onto one row of the model-owned arrays
(:class:`sim.state.ActorState`); rule-rich actors (the federal administration,
the Senate, the DPA, coalitions) carry their own rules as short methods and step
in Python, the others are updated by the model's vectorised processes.
"""

from sim.agents.base import ActorAgent, Company, InternationalBody, Organization, State
from sim.agents.coalition import Coalition
from sim.agents.dpa import DataProtectionAuthority
from sim.agents.federal import FederalAdministration
from sim.agents.senate import Senate

AGENT_CLASSES = {
    "administration": FederalAdministration,
    "state": State,
    "senate": Senate,
    "coalition": Coalition,
    "dpa": DataProtectionAuthority,
    "company": Company,
    "organization": Organization,
    "international": InternationalBody,
}
"""Network actor type → agent class."""

__all__ = [
    "AGENT_CLASSES",
    "ActorAgent",
    "Coalition",
    "Company",
    "DataProtectionAuthority",
    "FederalAdministration",
    "InternationalBody",
    "Organization",
    "Senate",
    "State",
]
