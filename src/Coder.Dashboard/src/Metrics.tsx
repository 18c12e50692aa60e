import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, call, type Schemas } from "./api/client";
import { usePolled } from "./hooks";
import { Empty, Problem, Tabs } from "./ui";

type Window = "1h" | "24h";

export function MetricsCharts({ id }: { id: string }) {
  const [window, setWindow] = useState<Window>("1h");
  const series = usePolled((signal) => call(api.GET("/api/workspaces/{id}/metrics", { params: { path: { id }, query: { window } }, signal })), [id, window], 5000);
  const points = series.data?.items ?? [];
  return (
    <>
      <Tabs<Window> label="Metrics window" current={window} onChange={setWindow} tabs={[["1h", "1 hour"], ["24h", "24 hours"]]} />
      <Problem message={series.error} />
      {series.data && points.length === 0 && <Empty>No metrics in this window yet: a running agent reports them every few seconds.</Empty>}
      {points.length > 0 && (
        <div className="charts">
          <Chart title="CPU %" seconds={window === "1h" ? 3600 : 86400} points={points} pick={(p) => [p.cpuPercent ?? null, p.cpuPercentMax ?? null]} />
          <Chart title="Memory %" seconds={window === "1h" ? 3600 : 86400} points={points} pick={(p) => [p.memoryPercent ?? null, p.memoryPercentMax ?? null]} />
        </div>
      )}
    </>
  );
}

function Chart({ title, seconds, points, pick }: { title: string; seconds: number; points: Schemas["WorkspaceMetricsPoint"][]; pick: (p: Schemas["WorkspaceMetricsPoint"]) => [number | null, number | null] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    // The window's two ends as empty points: uPlot widens a lone point's x range on its own (to years), so the axis
    // always spans exactly the window, a new workspace's first point at its right end.
    const now = Date.now() / 1000;
    const inWindow = points.filter((p) => Date.parse(p.at) / 1000 > now - seconds);
    const data: uPlot.AlignedData = [
      [now - seconds, ...inWindow.map((p) => Date.parse(p.at) / 1000), now],
      [null, ...inWindow.map((p) => pick(p)[0]), null],
      [null, ...inWindow.map((p) => pick(p)[1]), null],
    ];
    const width = Math.max(260, Math.min(640, host.current.clientWidth || 600));
    const chart = new uPlot(
      {
        width,
        height: 200,
        // The whole window, so a new workspace's first minutes are not stretched over the axis.
        scales: { x: { time: true, range: () => [now - seconds, now] }, y: { range: [0, 100] } },
        series: [{}, { label: "average", stroke: "#1d4ed8", width: 2 }, { label: "max", stroke: "#b45309", dash: [4, 4] }],
        axes: [{}, { size: 40 }],
      },
      data,
      host.current,
    );
    return () => chart.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [points]);
  return (
    <figure>
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} over time`} />
    </figure>
  );
}
