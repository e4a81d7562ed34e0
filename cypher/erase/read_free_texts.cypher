CALL () {
  MATCH (t:Touchpoint)
  WHERE any(v IN $values WHERE t.summary CONTAINS v)
  RETURN collect({id: t.id, text: t.summary}) AS touchpoints
}
CALL () {
  MATCH (d:Deal)
  WHERE d.loss_reason IS NOT NULL AND any(v IN $values WHERE d.loss_reason CONTAINS v)
  RETURN collect({id: d.id, text: d.loss_reason}) AS deals
}
RETURN touchpoints, deals
