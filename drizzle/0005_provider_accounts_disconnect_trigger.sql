-- Disconnect deletes a connection's accounts (DESIGN.md §7). A trigger rather than a line in
-- every disconnect path: whatever code moves a connection to 'disconnected', the balances go.
CREATE OR REPLACE FUNCTION provider_accounts_forget_on_disconnect() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM provider_accounts WHERE connection_id = NEW.id;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER provider_accounts_forget_on_disconnect
AFTER UPDATE OF status ON provider_connections
FOR EACH ROW
WHEN (NEW.status = 'disconnected' AND OLD.status IS DISTINCT FROM 'disconnected')
EXECUTE FUNCTION provider_accounts_forget_on_disconnect();
