"""`{{ amount|euros }}`: an amount in the active language (stetapp.money.euros)."""

from django import template

from stetapp.money import euros as format_euros

register = template.Library()


@register.filter
def euros(amount):
    return format_euros(amount)
