# The lake-merge benchmark's baseline, measured in the same run: delta-rs (the `deltalake`
# package, Rust) builds the same target table and runs the same MERGE (half the source rows
# update existing ids, half insert new ones; WHEN MATCHED UPDATE * / WHEN NOT MATCHED INSERT *).
#   python delta_rs_merge.py <dir> <target rows> <source rows>  ->  {"seconds": s, "rows": n}
import json, os, sys, time
import pyarrow as pa
import pyarrow.compute as pc
import deltalake

path, tgt, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ids = pa.array(range(tgt), pa.int64())
target = pa.table({"id": ids, "k": pc.remainder(ids, 100), "v": pc.cast(ids, pa.float64())})
# 8 files, as the engine's 8 partitions write
for i in range(8):
    lo, hi = i * tgt // 8, (i + 1) * tgt // 8
    deltalake.write_deltalake(path, target.slice(lo, hi - lo), mode="append")
step = max(1, tgt // src)
sid = [(i * step) if i % 2 == 0 else tgt + i for i in range(src)]
source = pa.table({"id": pa.array(sid, pa.int64()), "k": pa.array([0] * src, pa.int64()), "v": pa.array([-1.0] * src, pa.float64())})
t0 = time.perf_counter()
(deltalake.DeltaTable(path).merge(source=source, predicate="t.id = s.id", source_alias="s", target_alias="t")
    .when_matched_update_all().when_not_matched_insert_all().execute())
seconds = time.perf_counter() - t0
rows = deltalake.DeltaTable(path).to_pyarrow_dataset().count_rows()
print(json.dumps({"seconds": seconds, "rows": rows}))
sys.stdout.flush()
os._exit(0)
