"""The widget questions of the graded assignments (``autograder/source/<assignment>/``).

Graded widgets are built *without* their answers: they only record what the learner checked.
The expected answers live in the assignments' hidden tests, which students never receive.
"""
