"""Example pipelines for a workflow scheduler: importing this module declares the tasks and
their order; the scheduler runs each task's function later, on a worker, when the pipeline
is triggered."""
