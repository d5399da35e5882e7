"""The ``homecoming`` command line: the Typer apps and which command goes where.

The commands themselves live in ``homecoming.commands.<group>``; each parses its arguments, calls one
service or core function and renders the result with Rich. What they share (the consoles, Django set-up,
errors as one line on stderr and the error's exit code, the ``--as`` user, progress bars) is
:mod:`homecoming.commands.support`. Command modules import Django, the application and the kinship engine
inside the command bodies only, so ``homecoming --help`` loads none of them (tests/test_cli.py checks it).
"""

from __future__ import annotations

import sys

import typer

from homecoming.commands import (
    audit,
    demo,
    dvi,
    exchanges,
    genetics,
    genetics_frequencies,
    genetics_import,
    identification,
    identification_reports,
    keys,
    kinship,
    link,
    lists,
    messaging,
    persons,
    pfif,
    registry,
    remains,
    screen,
    site,
    tracing,
    users,
)

app = typer.Typer(
    help="Homecoming: the missing, prisoners of war and the dead of war.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import files (atomic: a file imports whole or not at all).", no_args_is_help=True
)
export_app = typer.Typer(help="Export data as files.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
ledger_app = typer.Typer(
    help="The fulfilment ledger: totals, manifest/figure disagreements and decisions.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(token_app, name="token")
app.add_typer(ledger_app, name="ledger")
genetics_app = typer.Typer(help="Genetics: frequency tables, laboratory files.", no_args_is_help=True)
frequencies_app = typer.Typer(help="Allele-frequency tables (versioned; one in force).", no_args_is_help=True)
genetics_app.add_typer(frequencies_app, name="frequencies")
app.add_typer(genetics_app, name="genetics")
identify_app = typer.Typer(
    help="Identification: screen a batch against the families in scope.", no_args_is_help=True
)
app.add_typer(identify_app, name="identify")
identification_app = typer.Typer(
    help="Identification reports: recompute a report's evidence from its stored inputs.", no_args_is_help=True
)
app.add_typer(identification_app, name="identification")
tracing_app = typer.Typer(help="Tracing requests from families: retention.", no_args_is_help=True)
app.add_typer(tracing_app, name="tracing")
messages_app = typer.Typer(help="Messages to families (e-mail, SMS): the outbox.", no_args_is_help=True)
app.add_typer(messages_app, name="messages")
keys_app = typer.Typer(
    help="Signing keys: the organisation's own and the trusted keys of other parties.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
lists_app = typer.Typer(
    help="Signed lists: sign a list as a bundle, verify a received one.", no_args_is_help=True
)
app.add_typer(lists_app, name="lists")
manifest_app = typer.Typer(
    help="Manifests of exchanges: link their claimed identities.", no_args_is_help=True
)
app.add_typer(manifest_app, name="manifest")
registry_app = typer.Typer(help="The registry: its linkage model.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")

app.command("migrate")(site.migrate_command)
app.command("createuser")(users.createuser_command)
token_app.command("create")(users.token_create_command)
audit_app.command("verify")(audit.audit_verify_command)
audit_app.command("head")(audit.audit_head_command)
audit_app.command("keygen")(audit.audit_keygen_command)
import_app.command("persons")(persons.import_persons_command)
export_app.command("persons")(persons.export_persons_command)
import_app.command("pfif")(pfif.import_pfif_command)
export_app.command("pfif")(pfif.export_pfif_command)
app.command("serve")(site.serve_command)
app.command("demo")(demo.demo_command)
app.command("kinship")(kinship.kinship_command)
app.command("dvi")(dvi.dvi_command)
app.command("link")(link.link_command)
app.command("screen")(screen.screen_command)
app.command("load-ledger")(exchanges.load_ledger_command)
import_app.command("manifest")(exchanges.import_manifest_command)
manifest_app.command("link")(exchanges.manifest_link_command)
ledger_app.command("show")(exchanges.ledger_show_command)
ledger_app.command("decide")(exchanges.ledger_decide_command)
ledger_app.command("review")(exchanges.ledger_review_command)
import_app.command("intake")(remains.import_intake_command)
frequencies_app.command("import")(genetics_frequencies.frequencies_import_command)
genetics_app.command("read")(genetics.read_command)
genetics_app.command("import")(genetics_import.import_lab_file_command)
app.command("worker")(identification.worker_command)
identify_app.command("batch")(identification.identify_batch_command)
identification_app.command("rederive")(identification_reports.rederive_command)
tracing_app.command("purge")(tracing.purge_command)
messages_app.command("send-due")(messaging.send_due_command)
keys_app.command("generate")(keys.keys_generate_command)
keys_app.command("list")(keys.keys_list_command)
keys_app.command("export")(keys.keys_export_command)
keys_app.command("trust")(keys.keys_trust_command)
keys_app.command("retire")(keys.keys_retire_command)
keys_app.command("revoke")(keys.keys_revoke_command)
lists_app.command("sign")(lists.lists_sign_command)
lists_app.command("verify")(lists.lists_verify_command)
registry_app.command("train-model")(registry.train_model_command)
registry_app.command("use-model")(registry.use_model_command)


@app.command("docs-cli", hidden=True)
def docs_cli() -> None:
    """Print the CLI reference (docs/cli.md) generated from --help."""
    from homecoming.clidocs import render

    sys.stdout.write(render(app))


def main() -> None:
    from homecoming.commands.environment import load_demo_env

    load_demo_env()  # right after `make demo`, the demo's database and key (commands/environment.py)
    app()


if __name__ == "__main__":
    main()
