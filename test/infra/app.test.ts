import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp, reservedConcurrencyFromContext } from '../../infra/build-app';
import { REPO_ROOT } from '../../infra/constructs/crosslift-function';
import { testApp, testConfig } from './support';

const run = promisify(execFile);

const allConstructs = (root: IConstruct): IConstruct[] => [root, ...root.node.children.flatMap(allConstructs)];

describe('app', () => {
  it('creates one Crosslift-<partner> stack per partner that owns a cooperation', () => {
    // Prepare
    const app = testApp();
    // Act
    buildApp(app, testConfig());
    // Assess
    expect(app.node.children.filter(Stack.isStack).map((s) => s.stackName)).toEqual([
      'Crosslift-north',
      'Crosslift-south',
    ]);
  });

  it('limits synthesis to one partner when asked', () => {
    // Prepare
    const app = testApp();
    // Act
    buildApp(app, testConfig(), { partner: 'south' });
    // Assess
    expect(app.node.children.filter(Stack.isStack).map((s) => s.stackName)).toEqual(['Crosslift-south']);
  });

  it('names the partners with a stack when asked for one without', () => {
    // Prepare
    const app = testApp();
    // Act
    const act = () => buildApp(app, testConfig(), { partner: 'east' });
    // Assess
    expect(act).toThrow('partner "east" owns no cooperation in the config; partners with a stack: north, south');
  });

  it('synthesizes under cdk-nag AWS Solutions (and CDK template validation) with no unacknowledged finding', () => {
    // Prepare
    const app = testApp({ cloudFormationValidation: true });
    buildApp(app, testConfig());
    // Act: synthesis runs the plugin and throws on an error; the pack then re-checks the prepared tree
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    const recheck = new AwsSolutionsChecks().validateScope(app);
    // Assess
    expect({ reported: report.pluginReports.flatMap((r) => r.violations), recheck: recheck.violations }).toEqual({
      reported: [],
      recheck: [],
    });
  });

  it('fails cdk-nag when an action on any resource is added to the ingest role (the * acknowledgement does not cover it)', () => {
    // Prepare
    const app = testApp();
    const [north] = buildApp(app, testConfig());
    // Act
    north!.ingest.addToRolePolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
    const violations = new AwsSolutionsChecks().validateScope(app).violations;
    // Assess
    expect(
      violations.map((v) => ({ rule: v.ruleName, where: v.violatingResources.map((r) => r.constructPath) })),
    ).toEqual([
      { rule: 'AwsSolutions-IAM5[Resource::*]', where: ['Crosslift-north/IngestRole/DefaultPolicy/Resource'] },
    ]);
  });

  it('gives every acknowledged finding a reason', () => {
    // Prepare
    const app = testApp();
    buildApp(app, testConfig());
    // Act
    const acknowledgements = allConstructs(app).flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>)),
    );
    // Assess
    expect(acknowledgements.filter(([, reason]) => reason.trim().length < 40)).toEqual([]);
  });

  it('reads the reserved concurrency from the CDK context: false, a JSON object, or an error naming the functions', () => {
    // Prepare
    const values = ['false', '{"ingest":20}', { report: 3 }, '{"ingset":20}'];
    // Act
    const read = values.map((v) => {
      try {
        return reservedConcurrencyFromContext(v);
      } catch (error) {
        return (error as Error).message;
      }
    });
    // Assess
    expect(read).toEqual([
      false,
      { ingest: 20 },
      { report: 3 },
      'reservedConcurrency must be false or a JSON object with any of report, ingest, reconcile, got "{\\"ingset\\":20}"',
    ]);
  });

  it('keeps the stacks environment-agnostic when the CDK CLI knows only its fallback region (no us-east-1 in ARNs)', async () => {
    // Prepare: without credentials the CLI passes its default region, us-east-1, and no account
    const outdir = mkdtempSync(join(tmpdir(), 'crosslift-cdk-'));
    const context = {
      config: 'examples/joint-course/crosslift.config.yaml',
      partner: 'zhixue',
      'aws:cdk:bundling-stacks': [],
    };
    const { CDK_DEFAULT_ACCOUNT: _account, ...env } = process.env;
    try {
      // Act
      await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...env,
          CDK_DEFAULT_REGION: 'us-east-1',
          CDK_CONTEXT_JSON: JSON.stringify(context),
          CDK_OUTDIR: outdir,
          CDK_VALIDATION: 'false',
        },
      });
      const template = JSON.stringify(JSON.parse(readFileSync(join(outdir, 'Crosslift-zhixue.template.json'), 'utf8')));
      // Assess
      expect({
        usEast1: template.includes('us-east-1'),
        regionRef: template.includes('":ses:",{"Ref":"AWS::Region"}'),
      }).toEqual({
        usEast1: false,
        regionRef: true,
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('runs from infra/app.ts with the config and partner from the CDK context', async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'crosslift-cdk-'));
    const context = {
      config: 'examples/joint-course/crosslift.config.yaml',
      partner: 'zhixue',
      'aws:cdk:bundling-stacks': [],
    };
    try {
      // Act: what the CDK CLI does, minus the CLI (it passes context and the output folder by environment)
      await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: REPO_ROOT,
        // Template validation is covered above; here it would only add seconds.
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' },
      });
      // Assess
      expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json'))).toEqual([
        'Crosslift-zhixue.template.json',
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
