UNWIND $rows AS row
CREATE (t:Touchpoint {id: row.id})
SET t.id_ord = row.id_ord, t.account_id = row.account_id, t.kind = row.kind,
    t.direction = row.direction, t.at = row.at, t.contact_ids = row.contact_ids,
    t.rep_ids = row.rep_ids, t.deal_id = row.deal_id, t.sentiment = row.sentiment,
    t.summary = row.summary
