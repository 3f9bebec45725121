"""What a user would write with pandas to turn the export into one table: read every file, concat, drop
duplicates, write Parquet (CSV where no Parquet engine, pyarrow or fastparquet, is installed).
Run by history_bench.py: python3 history-pandas.py OUT FILE..."""
import sys

import pandas as pd

out, files = sys.argv[1], sys.argv[2:]
frame = pd.concat([pd.read_json(f) for f in files], ignore_index=True).drop_duplicates()
try:
    frame.to_parquet(out + ".parquet")
except ImportError:
    frame.to_csv(out + ".csv", index=False)
print(len(frame))
