"""Generation of one account: its people, their ties, our deals with it, and history.

The builder works on plain lists indexed by a local contact number and turns
them into domain rows at the end (:meth:`AccountBuilder.emit`). Times are
POSIX seconds until then. It is built in phases, one module each, each class
adding the methods of its phase to the state of :mod:`.base`:

- :mod:`.org`: the account's place and name, its people, informal ties, departures;
- :mod:`.committee`: a deal's committee, its stances and seat changes;
- :mod:`.touches`: touchpoints on a deal and on the account;
- :mod:`.history`: a deal's stage and close-date history, its loss reason;
- :mod:`.deals`: one deal end to end, with the outcome (and its options);
- :mod:`.builder`: :class:`AccountBuilder`, the phases in order and the rows.

Each module states the invariants its phase keeps for the store's validation.
The account's stream is drawn in the same order whatever the options, so the
rows of a seed stay the same (``tests/unit/generator/test_golden.py``).
"""

from graphcrm.generator.account.base import AccountPlan, Context, Sink, seeded
from graphcrm.generator.account.builder import AccountBuilder

__all__ = ["AccountBuilder", "AccountPlan", "Context", "Sink", "seeded"]
