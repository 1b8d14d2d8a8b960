"""Seeds fuzz/corpus/pipeline with the fixture sites: each seed is one site's Markdown
files (up to six, sorted) joined by NUL bytes, as the `pipeline` target expects."""
import glob
import os

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus", "pipeline")
os.makedirs(out, exist_ok=True)
sites = sorted(glob.glob(os.path.join(here, "..", "tests", "fixtures", "*", "*", "site")))
sites.append(os.path.join(here, ".."))
for i, site in enumerate(sites):
    files = sorted(glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True))[:6]
    with open(os.path.join(out, f"seed-{i:02d}"), "wb") as f:
        f.write(b"\0".join(open(p, "rb").read() for p in files))
print(f"{len(sites)} seeds in {out}")
