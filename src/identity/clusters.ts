// Turns linked pairs into people: union–find that refuses a union which would put two different NHS
// numbers, or two records a reviewer said are different people, into one person — however long the
// chain of links between them. See: ../shared/reference/linkage.md §6 (do-not-link lists).

export class ConstrainedClusters {
  private readonly parent: Int32Array;
  private readonly rank: Uint8Array;
  /** Per root: the cluster's NHS number (0: none yet). */
  private readonly nhs: Float64Array;
  /** Per root: the members that have "different" rules, to check unions against. */
  private readonly ruled = new Map<number, number[]>();
  private readonly different = new Map<number, number[]>();

  constructor(nhsNumbers: Float64Array | readonly number[], differentPairs: ReadonlyArray<readonly [number, number]> = []) {
    const n = nhsNumbers.length;
    this.parent = new Int32Array(n);
    this.rank = new Uint8Array(n);
    this.nhs = Float64Array.from(nhsNumbers);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    for (const [a, b] of differentPairs) {
      this.addDifferent(a, b);
      this.addDifferent(b, a);
    }
    for (const member of this.different.keys()) this.ruled.set(member, [member]);
  }

  private addDifferent(a: number, b: number): void {
    const list = this.different.get(a);
    if (list) list.push(b);
    else this.different.set(a, [b]);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }

  /** Why a and b cannot be one person, or undefined when they can. */
  conflict(a: number, b: number): 'nhs-number-conflict' | 'different-rule' | undefined {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return undefined;
    if (this.nhs[ra] !== 0 && this.nhs[rb] !== 0 && this.nhs[ra] !== this.nhs[rb]) return 'nhs-number-conflict';
    const listA = this.ruled.get(ra) ?? [];
    const listB = this.ruled.get(rb) ?? [];
    const [smaller, otherRoot] = listA.length <= listB.length ? [listA, rb] : [listB, ra];
    for (const member of smaller) for (const partner of this.different.get(member) ?? []) if (this.find(partner) === otherRoot) return 'different-rule';
    return undefined;
  }

  /** Joins a's and b's clusters unless that breaks a constraint (`force` overrides the NHS number check only). Returns whether they are now one. */
  union(a: number, b: number, force = false): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const why = this.conflict(a, b);
    if (why === 'different-rule' || (why === 'nhs-number-conflict' && !force)) return false;
    const [root, child] = this.rank[ra] >= this.rank[rb] ? [ra, rb] : [rb, ra];
    if (this.rank[ra] === this.rank[rb]) this.rank[root]++;
    this.parent[child] = root;
    if (this.nhs[root] === 0) this.nhs[root] = this.nhs[child];
    const childRuled = this.ruled.get(child);
    if (childRuled) {
      const rootRuled = this.ruled.get(root);
      if (rootRuled) rootRuled.push(...childRuled);
      else this.ruled.set(root, childRuled);
      this.ruled.delete(child);
    }
    return true;
  }

  /** Each record's cluster root. */
  roots(): Int32Array {
    const out = new Int32Array(this.parent.length);
    for (let i = 0; i < out.length; i++) out[i] = this.find(i);
    return out;
  }
}
