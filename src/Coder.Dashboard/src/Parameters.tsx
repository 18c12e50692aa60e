import { Field } from "./ui";

// A template version's parameters, when it has them (the field is absent on templates without): rendered as a form.
export type Parameter = {
  name: string;
  displayName?: string;
  description?: string;
  type: "string" | "number" | "bool" | "list(string)";
  default?: unknown;
  options?: { name?: string; value: unknown }[] | unknown[];
  mutable?: boolean;
  required?: boolean;
};
export type ParameterValues = Record<string, unknown>;

export function parametersOf(spec: unknown): Parameter[] {
  const list = (spec as { parameters?: Parameter[] } | undefined)?.parameters;
  return Array.isArray(list) ? list : [];
}

function optionsOf(p: Parameter): { label: string; value: string }[] {
  return (p.options ?? []).map((o) =>
    typeof o === "object" && o !== null && "value" in o ? { label: String((o as { name?: string }).name ?? o.value), value: String(o.value) } : { label: String(o), value: String(o) },
  );
}

export function ParameterFields({ parameters, values, onChange }: { parameters: Parameter[]; values: ParameterValues; onChange: (v: ParameterValues) => void }) {
  if (parameters.length === 0) return null;
  const set = (name: string, value: unknown) => onChange({ ...values, [name]: value });
  return (
    <fieldset>
      <legend>Parameters</legend>
      <div className="grid">
        {parameters.map((p) => {
          const label = p.displayName ?? p.name;
          const current = values[p.name] ?? p.default ?? "";
          const options = optionsOf(p);
          if (p.type === "bool")
            return (
              <label key={p.name} className="check">
                <input type="checkbox" checked={Boolean(values[p.name] ?? p.default ?? false)} onChange={(e) => set(p.name, e.target.checked)} /> {label}
                {p.description && <small>{p.description}</small>}
              </label>
            );
          return (
            <Field key={p.name} label={label + (p.required ? " *" : "")} hint={p.description}>
              {options.length > 0 ? (
                <select value={String(current)} onChange={(e) => set(p.name, p.type === "number" ? Number(e.target.value) : e.target.value)}>
                  {options.map((o) => (
                    <option key={o.value} value={o.value}>{o.label}</option>
                  ))}
                </select>
              ) : p.type === "list(string)" ? (
                <input value={Array.isArray(current) ? current.join(", ") : String(current)} onChange={(e) => set(p.name, e.target.value.split(",").map((s) => s.trim()).filter(Boolean))} placeholder="comma-separated" />
              ) : (
                <input type={p.type === "number" ? "number" : "text"} required={p.required} value={String(current)} onChange={(e) => set(p.name, p.type === "number" ? Number(e.target.value) : e.target.value)} />
              )}
            </Field>
          );
        })}
      </div>
    </fieldset>
  );
}
