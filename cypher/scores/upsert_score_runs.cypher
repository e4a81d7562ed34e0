UNWIND $rows AS row
MERGE (r:ScoreRun {scored_at: row.scored_at})
SET r.as_of = row.as_of, r.run = row.run
