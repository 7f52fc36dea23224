from django.contrib import admin

from accounts.admin import JournaledAdmin
from timetable.models import InstitutionRuleSet, Rule, RuleSet
from timetable.services import rule_set_choose_for_institution


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(JournaledAdmin):
    list_display = ["name", "code", "version", "country", "valid_from", "is_country_default"]
    inlines = [RuleInline]


@admin.register(InstitutionRuleSet)
class InstitutionRuleSetAdmin(JournaledAdmin):
    list_display = ["institution", "rule_set", "chosen_at"]
    readonly_fields = ["chosen_by"]

    def save_model(self, request, obj, form, change):
        rule_set_choose_for_institution(actor=request.user, institution=obj.institution, rule_set=obj.rule_set)
