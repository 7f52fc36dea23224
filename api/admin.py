"""The API's clients, administered here (each change journaled); the received events, read only."""

from django import forms
from django.contrib import admin

from accounts.admin import JournaledAdmin
from api.models import ApiClient, ReceivedEvent, Scope


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = ApiClient
        fields = ["client_id", "name", "agency", "consumer_id", "scopes", "active"]


@admin.register(ApiClient)
class ApiClientAdmin(JournaledAdmin):
    form = ApiClientForm
    list_display = ["name", "client_id", "agency", "active"]
    list_filter = ["active"]
    search_fields = ["name", "client_id"]


@admin.register(ReceivedEvent)
class ReceivedEventAdmin(JournaledAdmin):
    list_display = ["received_at", "client", "kind", "key"]
    list_filter = ["kind"]
    readonly_fields = ["client", "key", "kind", "payload_hash", "result", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
