-- A claim's terms the gate's law depends on, as the client placed them; NULL where the client
-- did not say (and for every claim placed before this migration).
--
-- arose_on: when the debt arose, YYYY-MM-DD (SE counts limitation from it, preskriptionslag
-- 1981:130 § 2). reminder_fee_agreed: whether the claim's terms allowed a reminder fee when
-- the debt arose (SE, lag 1981:739 § 2); NULL (not said) reads as 0. jurisdiction: the part
-- of the market whose law applies, ISO 3166-2 (GB-ENG, GB-WLS, GB-SCT, GB-NIR), as given or
-- read from the customer's postcode at intake.
--
-- How a case reads them from its claims is in the store's case queries (claim_terms.rs).

ALTER TABLE claims ADD COLUMN arose_on TEXT;
ALTER TABLE claims ADD COLUMN reminder_fee_agreed INTEGER CHECK (reminder_fee_agreed IN (0, 1));
ALTER TABLE claims ADD COLUMN jurisdiction TEXT;
