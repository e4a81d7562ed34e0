UNWIND $rows AS row
MATCH (e:ChangeLog {seq: row.seq})
DELETE e
