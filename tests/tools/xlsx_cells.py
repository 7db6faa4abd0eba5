#!/usr/bin/python3
"""xlsx_cells.py FILE: prints an XLSX workbook as text, for the unit tests.

    sheet\t<name>                      once per worksheet, in order
    <cell>\t<value>\t<number_format>   every non-empty cell, row by row
    merged\t<range>                    every merged range, sorted
    freeze\t<cell>                     the top-left unfrozen cell, if any

Tabs, CR and LF in values are printed as \\t, \\r, \\n. Exits non-zero (with
openpyxl's error on stderr) when FILE is not a valid workbook.
Run it with /usr/bin/python3 (Debian's python3-openpyxl).
"""
import sys

import openpyxl


def text(v):
    return (str(v).replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\r", "\\r").replace("\n", "\\n"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: xlsx_cells.py FILE")
    # a file object: openpyxl judges a path by its extension, and the
    # tests' temporary files have none
    with open(sys.argv[1], "rb") as f:
        wb = openpyxl.load_workbook(f)
    for ws in wb.worksheets:
        print("sheet\t" + ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                print("%s\t%s\t%s" % (c.coordinate, text(c.value),
                                      c.number_format))
        for rng in sorted(str(r) for r in ws.merged_cells.ranges):
            print("merged\t" + rng)
        if ws.freeze_panes:
            print("freeze\t" + ws.freeze_panes)


if __name__ == "__main__":
    main()
