"""ISO 639-2/B language codes (DOAJ's ``language``) from an article's BCP 47 ``lang``.

DOAJ takes the *bibliographic* three-letter codes (``ger``, ``fre``, ``chi``),
not the terminology ones (``deu``, ``fra``, ``zho``) that ISO 639-3 and most
libraries give.  The table holds the ISO 639-1 languages most journals publish
in, each checked by the tests against DOAJ's own ``iso_639-2b.xsd``; a language
outside it is written without a code rather than with a guessed one.
"""

from __future__ import annotations

#: ISO 639-1 (BCP 47's two-letter primary subtag) → ISO 639-2/B.
ISO_639_2B: dict[str, str] = {
    "af": "afr", "am": "amh", "ar": "ara", "az": "aze", "be": "bel", "bg": "bul", "bn": "ben", "bo": "tib",
    "bs": "bos", "ca": "cat", "cs": "cze", "cy": "wel", "da": "dan", "de": "ger", "el": "gre", "en": "eng",
    "eo": "epo", "es": "spa", "et": "est", "eu": "baq", "fa": "per", "fi": "fin", "fr": "fre", "ga": "gle",
    "gl": "glg", "gu": "guj", "ha": "hau", "he": "heb", "hi": "hin", "hr": "hrv", "hu": "hun", "hy": "arm",
    "id": "ind", "ig": "ibo", "is": "ice", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "geo", "kk": "kaz",
    "km": "khm", "kn": "kan", "ko": "kor", "ku": "kur", "ky": "kir", "la": "lat", "lo": "lao", "lt": "lit",
    "lv": "lav", "mg": "mlg", "mi": "mao", "mk": "mac", "ml": "mal", "mn": "mon", "mr": "mar", "ms": "may",
    "mt": "mlt", "my": "bur", "nb": "nob", "ne": "nep", "nl": "dut", "nn": "nno", "no": "nor", "pa": "pan",
    "pl": "pol", "ps": "pus", "pt": "por", "ro": "rum", "ru": "rus", "si": "sin", "sk": "slo", "sl": "slv",
    "so": "som", "sq": "alb", "sr": "srp", "su": "sun", "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel",
    "tg": "tgk", "th": "tha", "tk": "tuk", "tl": "tgl", "tr": "tur", "uk": "ukr", "ur": "urd", "uz": "uzb",
    "vi": "vie", "xh": "xho", "yo": "yor", "zh": "chi", "zu": "zul",
}


def iso_639_2b(lang: str) -> str | None:
    """The ISO 639-2/B code of a BCP 47 tag ("de-AT" → "ger"), or None for a language not in the table.

    A tag whose primary subtag is already a code of the table ("ind") is taken as it is.
    """
    primary = lang.split("-")[0].lower()
    if primary in ISO_639_2B:
        return ISO_639_2B[primary]
    return primary if primary in ISO_639_2B.values() else None


__all__ = ["ISO_639_2B", "iso_639_2b"]
