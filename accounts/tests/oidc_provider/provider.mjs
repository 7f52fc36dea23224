// A real OpenID provider for the sign-in tests: the certified `oidc-provider` from npm
// (package.json devDependencies), on 127.0.0.1 at the port given as the first argument.
//
// Its clients and accounts are fixed below. The one page a user would see, the sign-in
// interaction, is replaced by a tiny one: GET /interaction/<uid>?account=<id>&acr=<acr>&amr=<a,b>
// signs that account in at once, as if they had used their MitID or BankID, and consent is
// given for the first-party client (loadExistingGrant). The tests play the browser over HTTP.
//
// The test process may live on a moved clock (the date sweep, core/clock.py): CLOCK_OFFSET_MS
// moves this process's clock by the same distance, so the tokens it issues are fresh there.
import Provider from "oidc-provider";

const offset = Number(process.env.CLOCK_OFFSET_MS || 0);
if (offset) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}

const port = Number(process.argv[2]);
const testserver = process.env.RP_ORIGIN || "http://testserver";
const issuer = `http://127.0.0.1:${port}`;

// Accounts at the provider, by subject. A person carries their identity number in `pid`, as
// ID-porten does; staff carry only their name.
const accounts = {
  "person-jonas": { pid: "15057712345", name: "Jonas" },
  "person-unknown": { pid: "01019912345", name: "Nobody Known" },
  "staff-kari": { name: "Kari Kontakt" },
  "staff-unknown": { name: "Nobody Known" },
};

const client = (id, name) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [`${testserver}/login/oidc/${name}/callback/`],
  post_logout_redirect_uris: [`${testserver}/login/`],
  grant_types: ["authorization_code"],
  response_types: ["code"],
});

const provider = new Provider(issuer, {
  clients: [client("overgang-person", "idporten"), client("overgang-staff", "entra")],
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  claims: { openid: ["sub", "acr", "amr", "auth_time", "sid"], profile: ["name", "pid"] },
  // ID-porten puts pid in the ID token itself; so does this provider.
  conformIdTokenClaims: false,
  acrValues: ["idporten-loa-substantial", "idporten-loa-high"],
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["overgang-test-provider-cookie-key"] },
  // Short lives: an ID token a minute, so a test can see one expire by moving its clock.
  ttl: { IdToken: 60, AccessToken: 60, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid profile");
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match || ctx.method !== "GET") return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = ctx.query.account;
  if (!accounts[accountId]) {
    ctx.status = 400;
    ctx.body = "unknown account";
    return undefined;
  }
  const login = { accountId };
  if (ctx.query.acr) login.acr = ctx.query.acr;
  if (ctx.query.amr) login.amr = String(ctx.query.amr).split(",");
  const result = details.prompt.name === "login" ? { login } : {};
  return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
});

provider.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${issuer}\n`);
});
