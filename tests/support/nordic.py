"""Small Nordic files built column by column, for the Nordic, events and database tests.

Nothing here is copied from a real S-file: each line is assembled from its fields at the
columns of the SEISAN manual (1-based, inclusive), so a test can say what every column is.
"""

from __future__ import annotations


def line(typ: str, *fields: tuple[int, str]) -> bytes:
    """An 80-column line with ``text`` starting at 1-based column ``col``; column 80 ``typ``."""
    chars = [" "] * 80
    for col, text in fields:
        for k, ch in enumerate(text):
            chars[col - 1 + k] = ch
    chars[79] = typ
    return "".join(chars).encode("latin-1")


OLD_HELP = b" STAT SP IPHASW D HRMM SECON CODA AMPLIT PERI AZIMU VELO AIN AR TRES W  DIS CAZ7"
NEW_HELP = b" STAT COM NTLO IPHASE   W HHMM SS.SSS   PAR1  PAR2 AGA OPE  AIN  RES W  DIS CAZ7"


def header(
    year=2020,
    month=5,
    day=17,
    hour=3,
    minute=4,
    second="12.5",
    lat="61.234",
    lon="5.678",
    depth="12.0",
    agency="XYZ",
    nsta="  5",
) -> bytes:
    return line(
        "1",
        (2, f"{year:4d}"),
        (7, f"{month:2d}"),
        (9, f"{day:2d}"),
        (12, f"{hour:02d}"),
        (14, f"{minute:02d}"),
        (17, f"{second:>4}"),
        (22, "L"),
        (24, f"{lat:>7}"),
        (31, f"{lon:>8}"),
        (39, f"{depth:>5}"),
        (46, agency),
        (49, nsta),
        (52, " 0.3"),
        (56, " 2.1"),
        (60, "L"),
        (61, agency),
    )


def old_phase(
    sta,
    comp="SZ",
    quality="I",
    phase="P",
    polarity=" ",
    hour=3,
    minute=4,
    second="20.10",
    ain=" 120",
    residual=" 0.12",
    weight="10",
    dist="  45",
    caz="123",
    amplitude="       ",
    period="    ",
) -> bytes:
    return line(
        " ",
        (2, f"{sta:<5}"),
        (7, comp),
        (10, quality),
        (11, f"{phase:<4}"),
        (17, polarity),
        (19, f"{hour:2d}"),
        (21, f"{minute:02d}"),
        (23, f"{second:>6}"),
        (34, amplitude),
        (42, period),
        (57, ain),
        (64, residual),
        (69, weight),
        (71, f"{dist:>5}"),
        (77, caz),
    )


def new_phase(
    sta,
    cha="HHZ",
    net="XX",
    loc="00",
    quality="I",
    phase="P",
    polarity=" ",
    hour=3,
    minute=4,
    second="20.100",
    par1="      ",
    par2="      ",
    agency="XYZ",
    operator="abc",
    ain=" 120.0",
    residual=" 0.12",
    weight="10",
    dist="   45",
    caz="123",
) -> bytes:
    fields = [
        (2, f"{sta:<5}"),
        (7, cha),
        (11, net),
        (13, loc),
        (16, quality),
        (17, f"{phase:<8}"),
        (27, f"{hour:02d}"),
        (29, f"{minute:02d}"),
        (32, second),
        (38, par1),
        (45, par2),
        (52, agency),
        (56, operator),
        (59, ain[-5:]),
        (64, residual),
        (69, weight),
        (71, dist),
        (77, caz),
    ]
    if polarity.strip():
        fields.append((44, polarity))
    return line(" ", *fields)


BLANK = b" " * 80


def sfile_old(eol: bytes = b"\n", fault_lines=(), extra=()) -> bytes:
    lines = [
        header(),
        line(
            "E",
            (2, "GAP="),
            (6, "123"),
            (15, "  0.45"),
            (25, "   1.2"),
            (33, "   2.3"),
            (39, "  3.4"),
        ),
        *fault_lines,
        line(
            "I",
            (2, "ACTION:UPD"),
            (13, "20-05-18 10:11"),
            (28, "OP:"),
            (31, "ab"),
            (36, "STATUS:"),
            (58, "ID:"),
            (61, "20200517030412"),
        ),
        line("3", (2, "Bergen, Norway: felt by an \xf8yvind (Latin-1 byte)")),
        OLD_HELP,
        old_phase("AAA", polarity="C", ain=" 120", caz=" 10"),
        old_phase("AAA", comp="SN", quality="E", phase="S", second="25.30", ain=" 120", caz=" 10"),
        old_phase("BBB", polarity="D", ain="  95", dist=" 80.5", caz="200"),
        old_phase("CCC", polarity="U", ain=" 100", caz="300"),
        old_phase("DDD", phase="P", polarity="+", ain=" 130", caz=" 45"),
        old_phase(
            "EEE",
            quality=" ",
            phase="IAML",
            second="30.00",
            amplitude="  123.4",
            period=" 0.3",
            ain="    ",
            residual="     ",
            weight="  ",
            caz="250",
        ),
        *extra,
        BLANK,
    ]
    return eol.join(lines) + eol


def sfile_new(eol: bytes = b"\n") -> bytes:
    lines = [
        header(),
        NEW_HELP,
        new_phase("AAA", polarity="C", ain=" 120.0", caz=" 10"),
        new_phase("BBB", polarity="D", ain="  95.0", caz="200"),
        new_phase(
            "CCC",
            phase="IAML",
            quality=" ",
            par1=" 1131.9",
            par2="  0.38",
            ain="     ",
            residual="-0.07",
            weight="  ",
            caz="250",
        ),
        new_phase(
            "DDD",
            phase="BAZ",
            quality=" ",
            par1="  328.5",
            par2="  10.9",
            ain="     ",
            residual=" -16.",
            weight="  ",
            caz=" 45",
        ),
        BLANK,
    ]
    return eol.join(lines) + eol
