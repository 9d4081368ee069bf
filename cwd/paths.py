"""Where the project's own files live, independent of the working directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SHAPES_DIR = ROOT / "shapes"
# ../shared/geo beside the checkout: third-party boundaries, read in place.
SHARED_GEO_DIR = ROOT.parent / "shared" / "geo"
