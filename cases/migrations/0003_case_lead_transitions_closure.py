"""One accountable lead per case, held by the database; closure and follow-up fields.

The lead moves from a flag on memberships to a single column on the case, so a case can
never have two. Triggers (SQLite and PostgreSQL) make it impossible to have none once a
lead is set: the column cannot be cleared, it can only point at an accepted, current
member of the same case, and that membership cannot end while the case is open. On
PostgreSQL a deferred constraint trigger also checks at commit that every case written
has a lead, which covers the instant between a case's insert and its lead's.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MESSAGE_CLEARED = "a case always has exactly one lead"
MESSAGE_NOT_MEMBER = "the lead must be an accepted, current member of the same case"
MESSAGE_LEAD_ENDS = "the lead cannot leave the group before handing over the lead"
MESSAGE_NONE = "a case must have a lead when its transaction commits"
MESSAGE_DELETE = "memberships are never deleted; end them instead"

SQLITE = [
    f"""CREATE TRIGGER case_lead_never_cleared BEFORE UPDATE OF lead_id ON cases_case
    WHEN OLD.lead_id IS NOT NULL AND NEW.lead_id IS NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_CLEARED}'); END;""",
    f"""CREATE TRIGGER case_lead_is_current_member BEFORE UPDATE OF lead_id, stage ON cases_case
    WHEN NEW.lead_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cases_membership m WHERE m.id = NEW.lead_id AND m.case_id = NEW.id
        AND m.accepted_at IS NOT NULL AND (m.end_date IS NULL OR NEW.stage = 'closed'))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_NOT_MEMBER}'); END;""",  # nosec B608  # constant SQL: the f-string inserts the module's own messages, no input
    f"""CREATE TRIGGER membership_lead_stays BEFORE UPDATE OF end_date ON cases_membership
    WHEN NEW.end_date IS NOT NULL AND EXISTS (
        SELECT 1 FROM cases_case c WHERE c.lead_id = NEW.id AND c.stage <> 'closed')
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_LEAD_ENDS}'); END;""",  # nosec B608  # constant SQL: the f-string inserts the module's own messages, no input
    f"""CREATE TRIGGER membership_never_deleted BEFORE DELETE ON cases_membership
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_DELETE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS case_lead_never_cleared;",
    "DROP TRIGGER IF EXISTS case_lead_is_current_member;",
    "DROP TRIGGER IF EXISTS membership_lead_stays;",
    "DROP TRIGGER IF EXISTS membership_never_deleted;",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION case_lead_check() RETURNS trigger AS $$
    BEGIN
        IF OLD.lead_id IS NOT NULL AND NEW.lead_id IS NULL THEN
            RAISE EXCEPTION '{MESSAGE_CLEARED}';
        END IF;
        IF NEW.lead_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM cases_membership m WHERE m.id = NEW.lead_id AND m.case_id = NEW.id
            AND m.accepted_at IS NOT NULL AND (m.end_date IS NULL OR NEW.stage = 'closed')) THEN
            RAISE EXCEPTION '{MESSAGE_NOT_MEMBER}';
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",  # nosec B608  # constant SQL: the f-string inserts the module's own messages, no input
    """CREATE TRIGGER case_lead_check BEFORE UPDATE OF lead_id, stage ON cases_case
    FOR EACH ROW EXECUTE FUNCTION case_lead_check();""",
    f"""CREATE OR REPLACE FUNCTION membership_lead_stays() RETURNS trigger AS $$
    BEGIN
        IF NEW.end_date IS NOT NULL AND EXISTS (
            SELECT 1 FROM cases_case c WHERE c.lead_id = NEW.id AND c.stage <> 'closed') THEN
            RAISE EXCEPTION '{MESSAGE_LEAD_ENDS}';
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",  # nosec B608  # constant SQL: the f-string inserts the module's own messages, no input
    """CREATE TRIGGER membership_lead_stays BEFORE UPDATE OF end_date ON cases_membership
    FOR EACH ROW EXECUTE FUNCTION membership_lead_stays();""",
    f"""CREATE OR REPLACE FUNCTION membership_never_deleted() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE_DELETE}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER membership_never_deleted BEFORE DELETE ON cases_membership
    FOR EACH ROW EXECUTE FUNCTION membership_never_deleted();""",
    f"""CREATE OR REPLACE FUNCTION case_has_lead() RETURNS trigger AS $$
    BEGIN
        IF (SELECT lead_id FROM cases_case WHERE id = NEW.id) IS NULL THEN
            RAISE EXCEPTION '{MESSAGE_NONE}';
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql;""",  # nosec B608  # constant SQL: the f-string inserts the module's own messages, no input
    """CREATE CONSTRAINT TRIGGER case_has_lead AFTER INSERT OR UPDATE ON cases_case
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION case_has_lead();""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS case_has_lead ON cases_case;",
    "DROP TRIGGER IF EXISTS case_lead_check ON cases_case;",
    "DROP TRIGGER IF EXISTS membership_lead_stays ON cases_membership;",
    "DROP TRIGGER IF EXISTS membership_never_deleted ON cases_membership;",
]


def copy_leads_and_closures(apps, schema_editor):
    """Point each case at its open lead membership; give closed cases their closure facts."""
    Case = apps.get_model("cases", "Case")
    Membership = apps.get_model("cases", "Membership")
    for case in Case.objects.all():
        lead = (
            Membership.objects.filter(case=case, is_lead=True, accepted_at__isnull=False)
            .order_by("end_date", "-start_date", "-id")
            .first()
        )
        if lead is None:
            lead = Membership.objects.filter(case=case, accepted_at__isnull=False).order_by("start_date", "id").first()
        if lead is not None and lead.end_date is not None and case.stage != "closed":
            lead.end_date = None
            lead.save(update_fields=["end_date"])
        case.lead = lead
        if case.stage == "closed":
            case.closed_on = case.closed_on or (lead.end_date if lead and lead.end_date else case.intake_date)
            case.closing_reason = case.closing_reason or "Closed before closing reasons were recorded."
            case.anonymise_on = case.anonymise_on or case.closed_on.replace(year=case.closed_on.year + 5)
        case.save(update_fields=["lead", "closed_on", "closing_reason", "anonymise_on"])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"No lead triggers for the {vendor} database.")
    for statement in SQLITE if vendor == "sqlite" else POSTGRESQL:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in SQLITE_DROP if vendor == "sqlite" else POSTGRESQL_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0002_meeting_recurrence_minutes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="anonymise_on",
            field=models.DateField(blank=True, null=True, verbose_name="to be anonymised on"),
        ),
        migrations.AddField(
            model_name="case",
            name="closed_on",
            field=models.DateField(blank=True, null=True, verbose_name="closed on"),
        ),
        migrations.AddField(
            model_name="case",
            name="closing_reason",
            field=models.TextField(blank=True, verbose_name="reason for closing"),
        ),
        migrations.AddField(
            model_name="case",
            name="follow_up_phase",
            field=models.CharField(
                blank=True,
                choices=[
                    ("reporting_duty", "Reporting duty"),
                    ("closing", "Closing the follow-up"),
                    ("aftercare", "Voluntary aftercare"),
                ],
                max_length=20,
                verbose_name="follow-up after release",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.membership",
                verbose_name="lead",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="released_on",
            field=models.DateField(blank=True, null=True, verbose_name="released on"),
        ),
        migrations.RunPython(copy_leads_and_closures, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["start_date", "id"],
                "verbose_name": "group membership",
                "verbose_name_plural": "group memberships",
            },
        ),
        migrations.RemoveConstraint(model_name="membership", name="membership_one_lead"),
        migrations.RemoveField(model_name="membership", name="is_lead"),
        migrations.AlterField(
            model_name="meeting",
            name="kind",
            field=models.CharField(
                choices=[
                    ("intake", "Intake meeting"),
                    ("needs_conversation", "Needs conversation"),
                    ("with_person", "Meeting with the person"),
                    ("group", "Group meeting"),
                    ("release", "Release meeting"),
                    ("handover_review", "Handover review"),
                    ("farewell", "Farewell conversation"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("stage", "closed"), _negated=True),
                    models.Q(
                        ("closed_on__isnull", False),
                        ("anonymise_on__isnull", False),
                        models.Q(("closing_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="case_closed_with_reason_and_anonymisation_date",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
