// Pre-pulls the template's images before anyone creates a project, so the
// first create is not a several-GB wait (the create's own deadline starts
// only once its images are there anyway). One pull at a time per process;
// its progress is kept for the admin console to show.
import type Docker from "dockerode";
import { ensureImages, imagePresent } from "@/lib/docker/images";
import { templateImages } from "@/lib/stack/template";
import { describeError } from "@/lib/errors";

export interface ImageState {
  image: string;
  present: boolean;
  /** 0-100 while pulling */
  percent: number | null;
  status: string;
}

export interface PullState {
  running: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  images: ImageState[];
}

export class ImagePuller {
  private state: PullState = { running: false, startedAt: null, finishedAt: null, error: null, images: [] };

  constructor(
    private readonly docker: Docker,
    private readonly overrides: Record<string, string>,
  ) {}

  /** Which of the template's images the engine has, and the current pull's progress. */
  async status(): Promise<PullState> {
    if (this.state.running) return structuredClone(this.state);
    const images = await Promise.all(
      templateImages(this.overrides).map(async (image) => ({ image, present: await imagePresent(this.docker, image), percent: null, status: "" })),
    );
    return { ...structuredClone(this.state), images };
  }

  /** Starts pulling whatever is missing; a pull already running is not started twice. */
  async start(): Promise<PullState> {
    if (this.state.running) return structuredClone(this.state);
    this.state.running = true;
    const images = templateImages(this.overrides);
    const present = await Promise.all(images.map((image) => imagePresent(this.docker, image).catch(() => false)));
    this.state = {
      running: true,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      images: images.map((image, i) =>
        present[i] ? { image, present: true, percent: 100, status: "present" } : { image, present: false, percent: 0, status: "waiting" },
      ),
    };
    void ensureImages(this.docker, images, (p) => {
      const entry = this.state.images.find((i) => i.image === p.image);
      if (entry) Object.assign(entry, { percent: p.percent, status: p.status, present: p.percent === 100 && p.status === "Pulled" });
    })
      .then(() => {
        for (const i of this.state.images) Object.assign(i, { present: true, percent: 100 });
      })
      .catch((err: unknown) => {
        this.state.error = describeError(err);
      })
      .finally(() => {
        this.state.running = false;
        this.state.finishedAt = new Date().toISOString();
      });
    return structuredClone(this.state);
  }
}
