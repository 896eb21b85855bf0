/**
 * A small evaluator of IAM identity-based policies: does this document allow this action on this
 * resource? Pure functions over the policy JSON, written to the rules AWS documents:
 *
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
 *   reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html: a request is denied
 *   by default; an applicable Allow allows it; an applicable Deny "trumps" every Allow.
 * - reference_policies_elements_action.html: `Action`/`NotAction`, a string or a list; "The prefix
 *   and the action name are case insensitive"; `*` (any run of characters) and `?` (any one
 *   character) wildcards.
 * - reference_policies_elements_resource.html: `Resource`/`NotResource`, a string or a list, ARNs
 *   matched case-sensitively ("the IAM user name is case sensitive"), `*` and `?` wildcards; a `*`
 *   expands over characters such as `/`, and a `*` at the end of a segment "can expand to match
 *   beyond the colon boundaries". This evaluator lets every `*` span `/` and `:`, which never
 *   under-reports what a policy may reach.
 * - reference_policies_elements_notresource.html / _notaction.html: the statement matches every
 *   resource (action) except those listed.
 * - reference_policies_variables.html: in a `"Version": "2012-10-17"` document `${aws:username}`
 *   and the like are replaced from the request, and `${*}`, `${?}`, `${$}` stand for the literal
 *   characters.
 *
 * What cannot be known without a request: `Condition` blocks and policy variables. Both are
 * handled by the `conditions` option (see {@link EvaluationOptions}); by default a statement with a
 * condition counts as granting when it is an Allow and as not denying when it is a Deny, and a
 * resource pattern with a variable reaches as far as it can in an Allow and as little as it can in
 * a Deny, so `isAllowed` answers "may this be allowed?", an upper bound of access. `Principal` is
 * ignored: identity-based policies have none, and this evaluator judges what the identity they are
 * attached to may do.
 *
 * The resource ARN asked about may itself hold `*` for a part that is not known, within one segment
 * (any characters but `:`; for example `arn:aws:ssm:*:*:parameter/app/key` when the region and
 * account are not), and `?` for one unknown character: it is then allowed if some ARN of that shape
 * may be, and denied by a Deny only if every ARN of that shape is.
 */

/** One statement of an identity-based policy, as IAM reads it (unknown keys are ignored). */
export interface Statement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: unknown;
}

/** An identity-based policy document: `Statement` is one statement or a list. */
export interface PolicyDocument {
    readonly Version?: string;
    readonly Statement?: Statement | readonly Statement[];
}

/**
 * How what depends on the request is counted: a statement's `Condition` block, and a resource
 * pattern of `Resource`/`NotResource` with a policy variable (only that pattern: the statement's
 * other patterns do not depend on the request).
 * - `"possible"` (the default): an Allow with a condition grants, a Deny with a condition does not
 *   deny; a variable pattern matches any value in an Allow's `Resource` and a Deny's `NotResource`,
 *   and nothing in the other two (the reach of an Allow at its widest, of a Deny at its narrowest).
 *   The answer is "may be allowed", never less than what IAM would allow for some request.
 * - `"met"`: every condition holds, and a variable pattern matches any value: such statements apply.
 * - `"unmet"`: no condition holds, and a variable pattern matches nothing: statements with a
 *   condition are left out.
 */
export interface EvaluationOptions {
    readonly conditions?: Conditions;
}
type Conditions = "possible" | "met" | "unmet";

/**
 * One element of a compiled pattern: a literal character, `*` or `?`; in an ARN asked about, `seg`
 * (its `*`: any run of characters within one segment, without `:`).
 */
type Token = { readonly literal: string } | "*" | "?" | "seg";

/** A statement compiled for evaluation: its effect, matchers and whether it depends on the request. */
interface Compiled {
    /** As written: only `Allow` and `Deny` (case-sensitive) take effect, any other grants and denies nothing. */
    readonly effect: string | undefined;
    readonly actions: { readonly not: boolean; readonly patterns: readonly Token[][] };
    readonly resources: { readonly not: boolean; readonly patterns: readonly ResourcePattern[] };
    /** Whether the statement has a `Condition` block. */
    readonly conditional: boolean;
}

/** A string or a list of strings as a list; anything else (absent, a number) as undefined. */
function strings(value: unknown): string[] | undefined {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return undefined;
}

/**
 * The one element of a pair (`Action`/`NotAction`, `Resource`/`NotResource`) that a statement holds;
 * undefined when it holds neither or both, which IAM refuses.
 */
function oneOf(
    listed: string[] | undefined,
    not: string[] | undefined,
): { not: boolean; values: string[] } | undefined {
    if (listed !== undefined) return not === undefined ? { not: false, values: listed } : undefined;
    return not === undefined ? undefined : { not: true, values: not };
}

/** `*` and `?` as wildcards, every other character literal. */
function glob(text: string): Token[] {
    return [...text].map((c) => (c === "*" || c === "?" ? c : { literal: c }));
}

/** An ARN or action asked about: `*` as a run of characters within one segment, `?` as one. */
function asked(text: string): Token[] {
    return [...text].map((c) => (c === "*" ? "seg" : c === "?" ? c : { literal: c }));
}

/** A compiled `Resource`/`NotResource` pattern. */
interface ResourcePattern {
    readonly tokens: readonly Token[];
    /** Whether it holds a policy variable, each `*` among its tokens. */
    readonly variable: boolean;
}

/**
 * A resource pattern with policy variables (2012-10-17 only): `${*}`, `${?}`, `${$}` are the literal
 * characters, any other `${...}` matches anything (it is replaced from the request).
 */
function resourcePattern(text: string, variables: boolean): ResourcePattern {
    if (!variables) return { tokens: glob(text), variable: false };
    const tokens: Token[] = [];
    let variable = false;
    let rest = text;
    while (rest !== "") {
        const match = /^\$\{([^}]*)\}/.exec(rest);
        if (match) {
            if (match[1] === "*" || match[1] === "?" || match[1] === "$") {
                tokens.push({ literal: match[1] });
            } else {
                tokens.push("*");
                variable = true;
            }
            rest = rest.slice(match[0].length);
        } else {
            tokens.push(...glob(rest[0]));
            rest = rest.slice(1);
        }
    }
    return { tokens, variable };
}

function compile(statement: Statement, version: string | undefined): Compiled | undefined {
    // IAM refuses a statement with neither or both of a pair: such a statement grants nothing.
    const actions = oneOf(strings(statement.Action), strings(statement.NotAction));
    const resources = oneOf(strings(statement.Resource), strings(statement.NotResource));
    if (actions === undefined || resources === undefined) return undefined;
    // The grammar's condition block is an object of conditions: IAM refuses any other value.
    const condition = statement.Condition;
    if (condition !== undefined && (condition === null || typeof condition !== "object" || Array.isArray(condition))) {
        return undefined;
    }
    const variables = version === "2012-10-17";
    return {
        effect: statement.Effect,
        actions: {
            not: actions.not,
            patterns: actions.values.map((a) => glob(a.toLowerCase())),
        },
        resources: {
            not: resources.not,
            patterns: resources.values.map((r) => resourcePattern(r, variables)),
        },
        conditional: condition !== undefined,
    };
}

/**
 * `step` from (0, 0), each pair (i, j) decided once: matching with `*` stays polynomial instead of
 * trying every split again.
 */
function memoized(
    step: (go: (i: number, j: number) => boolean, i: number, j: number) => boolean,
): boolean {
    const memo = new Map<string, boolean>();
    const go = (i: number, j: number): boolean => {
        const key = `${i},${j}`;
        let result = memo.get(key);
        if (result === undefined) {
            result = step(go, i, j);
            memo.set(key, result);
        }
        return result;
    };
    return go(0, 0);
}

/**
 * Whether some string matches both the pattern `a` and the ARN asked about `b` (which holds no `*`,
 * only `seg` and `?`).
 */
function overlap(a: readonly Token[], b: readonly Token[]): boolean {
    return memoized((go, i, j) => {
        let result: boolean;
        if (i === a.length && j === b.length) result = true;
        else if (a[i] === "*") result = go(i + 1, j) || (j < b.length && go(i, j + 1));
        else if (b[j] === "seg")
            // Here a[i] is a literal or `?`: the segment run may produce it unless it is a colon
            // (a `?` has no literal: the run produces a character other than a colon for it).
            result =
                go(i, j + 1) ||
                (i < a.length && (a[i] as { literal?: string }).literal !== ":" && go(i + 1, j));
        else if (i === a.length || j === b.length) result = false;
        else {
            const x = a[i];
            const y = b[j];
            result =
                (x === "?" ||
                    y === "?" ||
                    (x as { literal: string }).literal === (y as { literal: string }).literal) &&
                go(i + 1, j + 1);
        }
        return result;
    });
}

/**
 * Whether every string that matches `inner` (an ARN or action asked about: no `*`, only `seg` and
 * `?`) matches `outer`: `outer` is matched against `inner`'s text, where only a `*` of `outer` may
 * take a `seg` of `inner` and any wildcard of `outer` a `?` of `inner`. Exact when `inner` has no
 * wildcard; otherwise it may answer false for a cover that only several wildcards of `outer`
 * together make, which errs towards "not covered".
 */
function covers(outer: readonly Token[], inner: readonly Token[]): boolean {
    return memoized((go, i, j) => {
        let result: boolean;
        if (i === outer.length) result = j === inner.length;
        else if (outer[i] === "*") result = go(i + 1, j) || (j < inner.length && go(i, j + 1));
        else if (j === inner.length || inner[j] === "seg") result = false;
        else if (outer[i] === "?") result = go(i + 1, j + 1);
        else {
            const y = inner[j];
            // A `?` of `inner` has no literal: no literal of `outer` covers it.
            result =
                (outer[i] as { literal: string }).literal === (y as { literal?: string }).literal &&
                go(i + 1, j + 1);
        }
        return result;
    });
}

/** Whether the statement's actions include `action` (a concrete action, matched case-insensitively). */
function actionMatches(s: Compiled, action: readonly Token[]): boolean {
    const listed = s.actions.patterns.some((p) => covers(p, action));
    return s.actions.not ? !listed : listed;
}

/**
 * The statement's resource patterns as `conditions` reads them: a variable pattern as its tokens
 * (its variables match any value) or left out (they match nothing).
 */
function resourcePatterns(s: Compiled, conditions: Conditions): (readonly Token[])[] {
    // Matching any value widens what the policy may allow in an Allow's Resource and a Deny's
    // NotResource, and narrows it in the other two.
    const widensAccess = (s.effect === "Allow") !== s.resources.not;
    const anyValue = conditions === "met" || (conditions === "possible" && widensAccess);
    return s.resources.patterns.filter((p) => !p.variable || anyValue).map((p) => p.tokens);
}

/** Whether the statement may apply to some resource of the shape `arn` (an Allow's reach). */
function resourceMayMatch(s: Compiled, arn: readonly Token[], conditions: Conditions): boolean {
    const patterns = resourcePatterns(s, conditions);
    return s.resources.not ? !patterns.some((p) => covers(p, arn)) : patterns.some((p) => overlap(p, arn));
}

/** Whether the statement applies to every resource of the shape `arn` (a Deny's reach). */
function resourceMustMatch(s: Compiled, arn: readonly Token[], conditions: Conditions): boolean {
    const patterns = resourcePatterns(s, conditions);
    return s.resources.not ? !patterns.some((p) => overlap(p, arn)) : patterns.some((p) => covers(p, arn));
}

function statementsOf(doc: PolicyDocument | string): Compiled[] {
    // JSON.parse may give null or a scalar: a document without statements (a scalar has no fields).
    const parsed = (typeof doc === "string" ? JSON.parse(doc) : doc) as PolicyDocument | null;
    const statement = parsed?.Statement;
    const version = parsed?.Version;
    const list: unknown[] = Array.isArray(statement) ? statement : [statement];
    return list
        .filter((s): s is Statement => s !== null && s !== undefined)
        .map((s) => compile(s, version))
        .filter((s): s is Compiled => s !== undefined);
}

/**
 * Whether the identity-based policy `doc` (a document or its JSON) allows `action` (e.g.
 * `ssm:GetParameter`) on `resourceArn`: some Allow statement applies and no Deny statement does.
 * Statements IAM would refuse (an Effect other than Allow/Deny, no Action or both Action and
 * NotAction, likewise for Resource, a Condition that is no object) count for nothing. Throws on JSON that does not parse.
 */
export function isAllowed(
    doc: PolicyDocument | string,
    action: string,
    resourceArn: string,
    options: EvaluationOptions = {},
): boolean {
    const conditions = options.conditions ?? "possible";
    const wanted = asked(action.toLowerCase());
    const arn = asked(resourceArn);
    const statements = statementsOf(doc);
    const counts = (s: Compiled) =>
        !s.conditional ||
        conditions === "met" ||
        (conditions === "possible" && s.effect === "Allow");
    const denied = statements.some(
        (s) =>
            s.effect === "Deny" &&
            counts(s) &&
            actionMatches(s, wanted) &&
            resourceMustMatch(s, arn, conditions),
    );
    if (denied) return false;
    return statements.some(
        (s) =>
            s.effect === "Allow" &&
            counts(s) &&
            actionMatches(s, wanted) &&
            resourceMayMatch(s, arn, conditions),
    );
}

/**
 * The ARNs among `candidateArns` on which `doc` allows at least one of `actions`, in the order
 * given: e.g. `readableBy(policy, tenantParameterArns, ["ssm:GetParameter", "ssm:GetParameters"])`
 * is every parameter the role may read.
 */
export function readableBy(
    doc: PolicyDocument | string,
    candidateArns: readonly string[],
    actions: readonly string[],
    options: EvaluationOptions = {},
): string[] {
    return candidateArns.filter((arn) =>
        actions.some((action) => isAllowed(doc, action, arn, options)),
    );
}
