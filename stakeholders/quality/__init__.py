"""Quality: training offers, calls, independent reviews, three-year labels, procurement lots.

Loading the package registers what it commits of a programme's money with funding's envelope
(accepted projects' grants, awarded lots), so that funding counts it without knowing quality.
"""

from stakeholders.funding.envelope import OTHER_CHARGES
from stakeholders.quality.charges import committed

if committed not in OTHER_CHARGES:
    OTHER_CHARGES.append(committed)
