"""The package for MFiPR (XLSX, PDF) and the static map for print (PNG), no Streamlit.

    package = MfiprPackage(selected=…, register=…, generated=…, …)
    selection_xlsx(package) -> bytes;  selection_pdf(package) -> bytes
    static_map_png(StaticMap.of(map_layers(…), results, title=…), dpi=300) -> bytes

Every failure the user should see is an ExportError with a Polish message. Geometry arrives as
GeoDataFrames prepared by the caller (cwd.geo.display_layers), so this package never reads
boundary files; matplotlib, fpdf2 and openpyxl are imported only when an export is built.
"""
from cwd.export.common import (
    ISSUER,
    KIND_MAP,
    KIND_SELECTION,
    MISSING,
    NO_BOUNDARIES_NOTE,
    TITLE,
    CellText,
    DataSource,
    ExportError,
    default_data_sources,
    export_filename,
    formula_like,
    neutralise,
)
from cwd.export.package import MfiprPackage
from cwd.export.pdf import selection_pdf
from cwd.export.static_map import MapLayers, Outline, StaticMap, map_layers, static_map_figure, static_map_png
from cwd.export.xlsx import selection_xlsx

__all__ = [
    "ISSUER", "KIND_MAP", "KIND_SELECTION", "MISSING", "NO_BOUNDARIES_NOTE", "TITLE", "CellText", "DataSource",
    "ExportError", "MapLayers", "MfiprPackage", "Outline", "StaticMap", "default_data_sources", "export_filename",
    "formula_like", "map_layers", "neutralise", "selection_pdf", "selection_xlsx", "static_map_figure",
    "static_map_png",
]
