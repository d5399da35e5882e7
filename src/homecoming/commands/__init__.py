"""The CLI's commands, one module per group (registered in ``homecoming.cli``).

Each module imports only the standard library, Typer, Rich and :mod:`homecoming.commands.support` at its
top; Django, the application and the kinship engine are imported inside the command bodies, so that
``homecoming --help`` stays fast (tests/test_cli.py checks it).
"""
