/** Disjoint sets over 0..n−1 (union by size, path halving), growing as documents arrive. */
export class UnionFind {
  private parent = new Int32Array(1024);
  private size = new Int32Array(1024);
  private count = 0;

  /** Makes sure elements 0..n−1 exist (each alone until joined). */
  ensure(n: number): void {
    if (n > this.parent.length) {
      let capacity = this.parent.length;
      while (capacity < n) capacity *= 2;
      const parent = new Int32Array(capacity);
      parent.set(this.parent);
      const size = new Int32Array(capacity);
      size.set(this.size);
      this.parent = parent;
      this.size = size;
    }
    for (let i = this.count; i < n; i++) {
      this.parent[i] = i;
      this.size[i] = 1;
    }
    this.count = Math.max(this.count, n);
  }

  find(element: number): number {
    const parent = this.parent;
    let x = element;
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  }

  union(a: number, b: number): void {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return;
    if (this.size[rootA]! < this.size[rootB]!) [rootA, rootB] = [rootB, rootA];
    this.parent[rootB] = rootA;
    this.size[rootA]! += this.size[rootB]!;
  }

  /** Every set with at least `minSize` members, members ascending, sets ordered by their first member. */
  groups(minSize = 2): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.count; i++) {
      const root = this.find(i);
      if (this.size[root]! < minSize) continue;
      let members = byRoot.get(root);
      if (!members) byRoot.set(root, (members = []));
      members.push(i);
    }
    return [...byRoot.values()].sort((x, y) => x[0]! - y[0]!);
  }
}
