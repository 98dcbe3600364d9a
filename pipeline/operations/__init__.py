"""Operations: the stage API, scheduled jobs, scheduling and retention.

This layer strings stages and reports together; the CLI, the scheduler and the web app call it.
"""
