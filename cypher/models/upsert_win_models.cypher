UNWIND $rows AS row
MERGE (m:WinModel {fitted_at: row.fitted_at})
SET m.card = row.card
