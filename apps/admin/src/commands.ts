import { isPlanId, planIds } from '@poofbg/contract';
import {
  changePlan,
  createAccount,
  findAccount,
  findAccountByName,
  grantCredits,
  issueApiKey,
  revokeApiKey,
  type Database,
} from '@poofbg/db';

export type Args = Record<string, string | undefined>;

/** A command the operator got wrong; printed without a stack trace. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  options: string[];
  run(db: Database, args: Args): Promise<unknown>;
}

export const commands: Record<string, Command> = {
  'create-account': {
    summary: "Create an account with its plan's starting credits",
    options: ['--name NAME', `--plan ${planIds.join('|')} (default free)`],
    async run(db, args) {
      const plan = args.plan ?? 'free';
      if (!isPlanId(plan)) throw new UsageError(`--plan must be one of ${planIds.join(', ')}`);
      const account = await createAccount(db, { name: required(args, 'name'), plan });
      return { account_id: account.id, plan: account.plan, credits: account.creditBalance };
    },
  },

  'create-key': {
    summary: 'Issue an API key; it is printed once and cannot be shown again',
    options: ['--account ACCOUNT_ID', '--label TEXT (optional)'],
    async run(db, args) {
      const accountId = await existingAccount(db, required(args, 'account'));
      const issued = await issueApiKey(db, accountId, args.label);
      return { key_id: issued.id, api_key: issued.key };
    },
  },

  'revoke-key': {
    summary: 'Revoke an API key; requests with it get 401 from then on',
    options: ['--key-id KEY_ID'],
    async run(db, args) {
      const keyId = required(args, 'key-id');
      if (!(await revokeApiKey(db, keyId))) throw new UsageError(`no API key ${keyId}`);
      return { key_id: keyId, revoked: true };
    },
  },

  'set-plan': {
    summary: 'Move an account to another plan; a monthly quota starts its cycle today',
    options: ['--account ACCOUNT_ID', `--plan ${planIds.join('|')}`],
    async run(db, args) {
      const accountId = await existingAccount(db, required(args, 'account'));
      const plan = required(args, 'plan');
      if (!isPlanId(plan)) throw new UsageError(`--plan must be one of ${planIds.join(', ')}`);
      const account = await changePlan(db, { accountId, plan });
      return { account_id: account.id, plan: account.plan, credits: account.creditBalance };
    },
  },

  'grant-credits': {
    summary: 'Add credits to an account (a pay-as-you-go purchase or a goodwill grant)',
    options: ['--account ACCOUNT_ID', '--credits N', '--note TEXT (optional)'],
    async run(db, args) {
      const accountId = await existingAccount(db, required(args, 'account'));
      const credits = Number(required(args, 'credits'));
      if (!Number.isInteger(credits) || credits <= 0) {
        throw new UsageError('--credits must be a positive whole number');
      }
      const balance = await grantCredits(db, { accountId, credits, note: args.note });
      return { account_id: accountId, credits_remaining: balance };
    },
  },
};

/**
 * The local demo: one Pro account named by `--name`, created on first use. A new key is
 * issued on each call, since stored keys cannot be read back.
 */
commands['demo-key'] = {
  summary: 'Find or create the local demo account and issue it a key',
  options: ['--name NAME'],
  async run(db, args) {
    const name = required(args, 'name');
    const existing = await findAccountByName(db, name);
    const account = existing ?? (await createAccount(db, { name, plan: 'pro' }));
    const issued = await issueApiKey(db, account.id, 'local demo');
    return { account_id: account.id, key_id: issued.id, api_key: issued.key };
  },
};

function required(args: Args, name: string): string {
  const value = args[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

async function existingAccount(db: Database, id: string): Promise<string> {
  if (!(await findAccount(db, id))) throw new UsageError(`no account ${id}`);
  return id;
}
