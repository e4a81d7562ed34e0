MATCH (t:Touchpoint)
WHERE ($account_id IS NULL OR t.account_id = $account_id)
  AND ($deal_id IS NULL OR t.deal_id = $deal_id)
  AND ($since IS NULL OR t.at >= $since)
  AND ($until IS NULL OR t.at <= $until)
  AND ($contact_id IS NULL OR EXISTS { MATCH (t)-[:WITH]->(:Contact {id: $contact_id}) })
WITH t ORDER BY t.at DESC, coalesce(t.id_ord, t.id)
WITH collect(t) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
