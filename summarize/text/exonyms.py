"""Exonyms: Indonesian names of places and organisations and their usual English forms.

A data table (lowercase). Each row is ``(source forms, English forms)``; any form of a
row matches any other form of the same row. :func:`indonesian_forms` adds the Indonesian
names of countries and cities that the Unicode CLDR gives (through ``babel``).
"""

from __future__ import annotations

import functools

EXONYM_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("rusia", "russia"), ("russia", "russian", "russians", "russian federation")),
    (("ukraina", "ukraine"), ("ukraine", "ukrainian", "ukrainians")),
    (("amerika serikat", "as", "amerika"), ("united states", "us", "u.s.", "usa", "america", "american", "americans")),
    (("inggris", "britania raya", "britania"), ("britain", "uk", "u.k.", "england", "english", "british", "united kingdom")),
    (("jerman",), ("germany", "german", "germans")),
    (("prancis", "perancis"), ("france", "french")),
    (("tiongkok", "cina", "china", "rrt"), ("china", "chinese", "prc")),
    (("moskow", "moskwa", "moscow"), ("moscow",)),
    (("kiev", "kyiv", "kiew"), ("kyiv", "kiev")),
    (("lituania", "lithuania"), ("lithuania", "lithuanian")),
    (("rumania", "romania"), ("romania", "romanian")),
    (("finlandia",), ("finland", "finnish")),
    (("swedia",), ("sweden", "swedish")),
    (("belanda",), ("netherlands", "dutch", "holland")),
    (("jepang",), ("japan", "japanese")),
    (("pbb", "perserikatan bangsa-bangsa"), ("un", "u.n.", "united nations")),
    (("nato",), ("nato",)),
    (("uni eropa", "ue"), ("european union", "eu")),
    (("eropa",), ("europe", "european", "europeans")),
    (("korea selatan",), ("south korea", "south korean", "korea")),
    (("korea utara",), ("north korea", "north korean", "korea")),
    (("selandia baru",), ("new zealand",)),
    (("australia",), ("australia", "australian")),
    (("suriah",), ("syria", "syrian")),
    (("hungaria",), ("hungary", "hungarian")),
    (("bulgaria",), ("bulgaria", "bulgarian")),
    (("slowakia", "slovakia"), ("slovakia", "slovak", "slovakian")),
    (("polandia",), ("poland", "polish")),
    (("belarus", "belarusia"), ("belarus", "belarusian")),
    (("iran",), ("iran", "iranian")),
    (("turki",), ("turkey", "turkish", "türkiye")),
    (("italia",), ("italy", "italian")),
    (("spanyol",), ("spain", "spanish")),
    (("yunani",), ("greece", "greek")),
    (("kanada",), ("canada", "canadian")),
    (("meksiko",), ("mexico", "mexican")),
    (("brasil", "brazil"), ("brazil", "brazilian")),
    (("mesir",), ("egypt", "egyptian")),
    (("arab saudi",), ("saudi arabia", "saudi")),
    (("afrika selatan",), ("south africa", "south african")),
    (("singapura",), ("singapore", "singaporean")),
    (("filipina",), ("philippines", "philippine", "filipino")),
    (("malaysia",), ("malaysia", "malaysian")),
    (("thailand",), ("thailand", "thai")),
    (("indonesia",), ("indonesia", "indonesian", "indonesians")),
    (("india",), ("india", "indian")),
    (("timur tengah",), ("middle east",)),
    (("gedung putih",), ("white house",)),
    (("kremlin",), ("kremlin",)),
    (("barat",), ("west", "western")),
    (("dewan keamanan",), ("security council",)),
    (("ktt",), ("summit",)),
    (("usd",), ("us", "dollar", "dollars", "usd")),
    (("asia-pasifik",), ("asia-pacific", "asia pacific")),
    # more countries, peoples and languages
    (("eslandia", "islandia"), ("iceland", "icelandic")),
    (("skotlandia",), ("scotland", "scottish", "scot", "scots")),
    (("irlandia",), ("ireland", "irish")),
    (("denmark",), ("denmark", "danish", "dane", "danes")),
    (("norwegia",), ("norway", "norwegian")),
    (("swiss",), ("switzerland", "swiss")),
    (("belgia",), ("belgium", "belgian")),
    (("portugal",), ("portugal", "portuguese")),
    (("ceko",), ("czech", "czechia", "czech republic")),
    (("kroasia",), ("croatia", "croatian")),
    (("austria",), ("austria", "austrian")),
    (("vietnam",), ("vietnam", "vietnamese", "viet nam")),
    (("kamboja",), ("cambodia", "cambodian")),
    (("myanmar",), ("myanmar", "burma", "burmese")),
    (("taiwan",), ("taiwan", "taiwanese")),
    (("afganistan", "afghanistan"), ("afghanistan", "afghan")),
    (("irak",), ("iraq", "iraqi")),
    (("israel",), ("israel", "israeli", "israelis")),
    (("palestina",), ("palestine", "palestinian", "palestinians")),
    (("yordania",), ("jordan", "jordanian")),
    (("uni emirat arab", "uea"), ("united arab emirates", "uae", "emirates")),
    (("maroko",), ("morocco", "moroccan")),
    (("aljazair",), ("algeria", "algerian")),
    (("etiopia",), ("ethiopia", "ethiopian")),
    (("afrika",), ("africa", "african")),
    (("amerika latin",), ("latin america", "latin american")),
    (("argentina",), ("argentina", "argentine", "argentinian")),
    (("chili",), ("chile", "chilean")),
    (("kolombia",), ("colombia", "colombian")),
    (("kuba",), ("cuba", "cuban")),
    (("arab",), ("arab", "arabic", "arabian", "arabs")),
    (("mandarin",), ("mandarin", "chinese")),
    (("jawa",), ("java", "javanese")),
    (("sunda",), ("sunda", "sundanese")),
    (("sumatera", "sumatra"), ("sumatra", "sumatran")),
    (("kalimantan",), ("kalimantan", "borneo")),
    (("asia",), ("asia", "asian")),
    (("amerika utara",), ("north america", "north american")),
    (("amerika selatan",), ("south america", "south american")),
    (("utara",), ("north", "northern")),
    (("selatan",), ("south", "southern")),
    (("timur",), ("east", "eastern")),
    (("tenggara",), ("southeast", "south-east", "southeastern")),
    # common Indonesian acronyms of common nouns
    (("ok", "oke"), ("ok", "okay", "o.k.")),
    (("ac",), ("ac", "air conditioner", "air conditioning", "air-conditioning")),
    (("tv",), ("tv", "television")),
    (("hp",), ("phone", "cellphone", "mobile", "handphone", "hp")),
    (("sd",), ("elementary school", "primary school", "sd")),
    (("smp",), ("junior high", "middle school", "smp")),
    (("sma", "smk", "smu"), ("high school", "senior high", "sma", "smk")),
    (("pr",), ("homework", "pr")),
    (("ktp",), ("id card", "identity card", "ktp")),
    (("sim",), ("driver's license", "driving licence", "driving license", "sim")),
    (("ipa",), ("science", "natural science", "natural sciences")),
    (("ips",), ("social science", "social sciences", "social studies")),
    (("dpr",), ("dpr", "house", "house of representatives", "parliament", "lawmakers", "legislators")),
    (("ruu",), ("bill", "draft law", "ruu")),
    (("uu",), ("law", "act", "uu")),
    (("mpr",), ("mpr", "people's consultative assembly")),
    (("tni",), ("tni", "military", "armed forces", "army")),
    (("polri",), ("polri", "police")),
    (("kpk",), ("kpk", "corruption eradication commission", "anti-graft", "antigraft")),
    (("bumn",), ("bumn", "state-owned", "state-owned enterprises")),
    (("wib",), ("wib", "western indonesian time", "western indonesia time")),
    # cities
    (("kairo",), ("cairo",)),
    (("mekah", "mekkah", "makkah"), ("mecca", "makkah")),
    (("madinah",), ("medina",)),
    (("yerusalem",), ("jerusalem",)),
    (("den haag",), ("the hague", "hague")),
    (("roma",), ("rome", "roman")),
    (("jenewa",), ("geneva",)),
    (("wina",), ("vienna",)),
    (("praha",), ("prague",)),
    (("warsawa",), ("warsaw",)),
    (("kopenhagen",), ("copenhagen",)),
    (("lisabon",), ("lisbon",)),
    (("athena",), ("athens",)),
    (("beijing",), ("beijing", "peking")),
    # geography, events
    (("bumi",), ("earth",)),
    (("matahari",), ("sun",)),
    (("nusantara",), ("archipelago", "indonesia", "nusantara")),
    (("nil",), ("nile",)),
    (("laut tengah", "mediterania"), ("mediterranean",)),
    (("kutub utara",), ("north pole", "arctic")),
    (("kutub selatan",), ("south pole", "antarctic", "antarctica")),
    (("piala dunia",), ("world cup",)),
    (("olimpiade",), ("olympics", "olympic", "olympic games")),
    (("perang dunia",), ("world war",)),
    (("romawi",), ("roman", "romans", "rome")),
    (("persia",), ("persia", "persian")),
    (("utsmaniyah", "ottoman", "usmaniyah"), ("ottoman", "ottomans")),
    # people known by an English form
    (("fransiskus",), ("francis",)),
    (("yesus",), ("jesus",)),
    (("yohanes",), ("john",)),
    (("musa",), ("moses",)),
    (("ibrahim",), ("abraham", "ibrahim")),
    (("nuh",), ("noah",)),
    # religions, feasts
    (("allah", "tuhan"), ("god", "allah", "lord")),
    (("natal",), ("christmas",)),
    (("paskah",), ("easter",)),
    (("lebaran", "idul fitri", "idulfitri"), ("eid", "eid al-fitr", "lebaran")),
    (("kristen", "kristiani"), ("christian", "christians", "christianity")),
    (("katolik",), ("catholic", "catholics", "catholicism")),
    (("islam",), ("islam", "islamic", "muslim", "muslims")),
    (("muslim",), ("muslim", "muslims", "moslem")),
    (("yahudi",), ("jewish", "jew", "jews", "judaism")),
    (("buddha", "budha"), ("buddha", "buddhist", "buddhism")),
    (("hindu",), ("hindu", "hindus", "hinduism")),
    (("alkitab",), ("bible",)),
    (("alquran", "al-quran", "quran"), ("quran", "koran", "qur'an")),
]  # fmt: skip


@functools.lru_cache(maxsize=1)
def indonesian_forms() -> dict[str, str]:
    """Indonesian names (lowercase) of countries, regions and cities that English writes
    differently, each with its English name: ``belanda`` -> ``Netherlands``, ``kairo`` ->
    ``Cairo``, ``yerusalem`` -> ``Jerusalem``. From the Unicode CLDR (territory names and
    time-zone cities of the ``id`` and ``en`` locales, read through ``babel`` on first use)
    and the table above. Acronyms and codes are left out; whether English uses a form
    too (``swiss``, ``kiev``) is for the caller to judge."""
    import babel.localedata

    ind, eng = babel.localedata.load("id"), babel.localedata.load("en")
    pairs: list[tuple[str, str]] = []
    for code, name in ind["territories"].items():
        if eng["territories"].get(code, "")[:1].isupper():  # not "dunia" = "world"
            pairs.append((name, eng["territories"][code]))
    for zone, names in ind["time_zones"].items():
        if "city" in names:
            en_city = eng["time_zones"].get(zone, {}).get("city")
            pairs.append((names["city"], en_city or zone.rsplit("/", 1)[-1].replace("_", " ")))
    for keys, english_forms in EXONYM_GROUPS:
        pairs += [(k, english_forms[0].title()) for k in keys if k not in english_forms]
    out: dict[str, str] = {}
    for ind_name, en_name in pairs:
        key = ind_name.lower()
        if key != en_name.lower() and len(key) >= 4 and key.replace(" ", "").isalpha():
            out.setdefault(key, en_name)
    return out
