UNWIND $rows AS row
CREATE (k:ChangeLogKeys {bucket: row.bucket})
SET k.key = row.key, k.seq = row.seq
