"""`{{ amount|euros }}`: an amount in the active language (stetapp.money.euros);
`{{ change|signed }}`: a change or variance with its sign, "+10,0" or "−18,8"
(stetapp.money.signed, one decimal)."""

from django import template

from stetapp.money import euros as format_euros
from stetapp.money import signed as format_signed

register = template.Library()


@register.filter
def euros(amount):
    return format_euros(amount)


@register.filter
def signed(number):
    return format_signed(number)
