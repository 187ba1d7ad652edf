// A TypeDoc plugin for `npm run docs`: the entries of the WEIGHTINGS registry are object literals whose
// `create` functions are typed by WeightingEntry; this gives each the comment of WeightingEntry.create, so
// the reference explains them and the undocumented-export check does not ask for one comment per method.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const entry = project
      .getReflectionsByKind(ReflectionKind.Interface)
      .find((r) => r.name === 'WeightingEntry');
    const create = entry?.getChildByName('create');
    const comment = create?.signatures?.[0]?.comment ?? create?.comment;
    if (!comment) throw new Error('typedoc-registry: WeightingEntry.create has no comment to copy');
    for (const r of project.getReflectionsByKind(ReflectionKind.Property)) {
      if (r.name === 'create' && !r.hasComment() && r.getFullName().includes('WEIGHTINGS'))
        r.comment = comment.clone();
    }
  });
}
