from django.contrib import admin

from tsunagari.lib.outbox.models import OutboxMail


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "platform", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["subject", "key"]
    readonly_fields = [f.name for f in OutboxMail._meta.fields]
