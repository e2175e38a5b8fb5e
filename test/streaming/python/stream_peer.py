"""What the PySpark streaming peers share: a quiet local session (UTC, 2 shuffle partitions) and
feeding a query trigger by trigger through a directory of JSON files (the source reads it with
maxFilesPerTrigger=1): each trigger's records go to a temporary file that is renamed into the
directory, then the query processes everything available."""
import json
import os

from pyspark.sql import SparkSession


def local_spark(app):
    spark = (SparkSession.builder.master("local[1]").appName(app)
             .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def source_dir(workdir):
    """The directory the query's file source reads (created)."""
    src = os.path.join(workdir, "in")
    os.makedirs(src, exist_ok=True)
    return src


def feed(query, workdir, triggers, record):
    """Write each trigger's items (as record(item) JSON lines) and let the query process them."""
    src = source_dir(workdir)
    for i, trigger in enumerate(triggers):
        tmp = os.path.join(workdir, f"_t{i}.json")
        with open(tmp, "w") as f:
            for item in trigger:
                f.write(json.dumps(record(item)) + "\n")
        os.rename(tmp, os.path.join(src, f"t{i}.json"))
        query.processAllAvailable()
