"""Phone numbers to E.164 (libphonenumber via ``phonenumbers``; UK by default)."""

from __future__ import annotations

import phonenumbers

from joinedup.common.values import BadValue


def clean_phone(value: str, region: str = "GB") -> str:
    """``07700 900123``, ``+44 (0)7700-900123``, ``00447700900123`` -> ``+447700900123``."""
    text = value.strip().replace("(0)", "")
    if not text:
        raise BadValue("empty", "phone number is empty")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise BadValue("bad_phone", "not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise BadValue("bad_phone", "not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
