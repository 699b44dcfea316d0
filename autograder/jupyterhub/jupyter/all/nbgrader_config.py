"""nbgrader settings for every user of the course's JupyterHub (students and staff alike).

The hub puts this folder on each server's JUPYTER_CONFIG_PATH. Students fetch from and submit
to the course's exchange; the course id and the exchange folder come from the hub's environment.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "aleppo")
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
