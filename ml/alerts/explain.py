"""Plain-language sentences for recommendations (what a shopper reads next to a suggestion)."""
from __future__ import annotations

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def money(amount: float, currency: str) -> str:
    """Whole units with the currency's symbol where it has a common one: "$310", "310 CHF"."""
    rounded = f"{amount:,.0f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{rounded}" if symbol else f"{rounded} {currency.upper()}"


def spending_profile(*, monthly_spend: float, merchant_count: int, currency: str) -> str:
    shops = "1 shop" if merchant_count == 1 else f"{merchant_count} shops"
    return f"about {money(monthly_spend, currency)} a month across {shops}"


def neighbour_sentence(*, label: str, chose: int, patterned: int, neighbours: int, profile: str) -> str:
    """`chose` neighbours turned the alert on; `patterned` more only show the behaviour it watches for
    (heuristic labels, used while few shoppers have chosen alerts) - the sentence says which."""
    who = f"{chose + patterned} of {neighbours} shoppers who spend like you ({profile})"
    if patterned == 0:
        return f"{who} turned on '{label}' alerts."
    if chose == 0:
        return (
            f"{who} show the spending pattern '{label}' alerts watch for "
            "(few shoppers have chosen alerts yet, so this comes from spending patterns, not their choices)."
        )
    return (
        f"{who} use or call for '{label}' alerts: {chose} turned them on "
        f"and {patterned} show the spending pattern they watch for."
    )


def rule_sentence(*, label: str, reason: str) -> str:
    return f"Suggested '{label}' alerts because {reason}."
