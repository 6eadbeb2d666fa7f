import { useEffect, useRef, useState, type FormEvent } from 'react';
import { checkDeviceName, suggestDeviceName } from '../model/device-words.ts';
import { scanDataUrl, scanImageBlob, scanVideoFrame, type ImageScan } from '../model/qr-scan.ts';
import { pairingSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';
import { TextField } from './text-field.tsx';

/** How often a camera frame is scanned: often enough to feel instant, rare enough to stay cool. */
const SCAN_EVERY_MS = 250;

type Source = 'idle' | 'camera' | 'reading';

function cameraProblem(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The camera is turned off for this app. Allow it in your system settings, or use a picture of the code.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera was found. Use a picture of the code instead.';
  if (name === 'NotReadableError')
    return 'The camera is in use by another app. Close it, or use a picture of the code.';
  return "The camera couldn't be started. Use a picture of the code instead.";
}

/**
 * Joining a vault as a new device: the code comes from the camera, an image file, the
 * clipboard or is pasted as text; with a device name it is redeemed. A scanned code is
 * redeemed at once, as scanning it is the request to join.
 */
export function JoinWithQr({ onCancel }: { onCancel?: () => void }) {
  const joinStatus = useAppStore(pairingSelectors.joinStatus);
  const joinError = useAppStore(pairingSelectors.joinError);
  const joinWithCode = useAppStore((s) => s.joinWithCode);
  const clearJoinError = useAppStore((s) => s.clearJoinError);
  const readClipboardImage = useAppStore((s) => s.readClipboardImage);

  const [deviceName, setDeviceName] = useState(() => suggestDeviceName(navigator.platform));
  const [code, setCode] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [found, setFound] = useState(false);
  const [source, setSource] = useState<Source>('idle');
  const videoRef = useRef<HTMLVideoElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const joining = joinStatus === 'joining';

  const stopCamera = () => {
    for (const track of streamRef.current?.getTracks() ?? []) track.stop();
    streamRef.current = null;
    setSource((s) => (s === 'camera' ? 'idle' : s));
  };

  // The camera light goes off when the form goes away.
  useEffect(() => () => stopCamera(), []);

  const join = async (payload: string) => {
    const nameProblem = checkDeviceName(deviceName);
    setNameError(nameProblem);
    if (nameProblem) {
      nameRef.current?.focus();
      return;
    }
    if (!payload.trim()) {
      setCodeError('Scan the QR code the other device shows, or paste its pairing code here.');
      codeRef.current?.focus();
      return;
    }
    await joinWithCode(payload, deviceName);
  };

  const acceptScan = async (scan: ImageScan) => {
    setSource('idle');
    if (!scan.found) {
      setCodeError(scan.problem);
      return;
    }
    setCode(scan.text);
    setCodeError(null);
    setFound(true);
    clearJoinError();
    await join(scan.text);
  };

  const startCamera = async () => {
    setCodeError(null);
    clearJoinError();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
      streamRef.current = stream;
      setSource('camera');
    } catch (error) {
      setCodeError(cameraProblem(error));
    }
  };

  // While the camera runs: show it, and scan a frame every so often until a code turns up.
  useEffect(() => {
    if (source !== 'camera') return;
    const video = videoRef.current;
    const stream = streamRef.current;
    if (!video || !stream) return;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    const timer = setInterval(() => {
      const text = scanVideoFrame(video);
      if (!text) return;
      clearInterval(timer);
      stopCamera();
      void acceptScan({ found: true, text });
    }, SCAN_EVERY_MS);
    return () => {
      clearInterval(timer);
      video.srcObject = null;
    };
    // Runs once per camera session (keyed on `source`), not on every render.
  }, [source]);

  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    stopCamera();
    setSource('reading');
    await acceptScan(await scanImageBlob(file));
  };

  const fromClipboard = async () => {
    stopCamera();
    setSource('reading');
    const read = await readClipboardImage();
    if ('error' in read) {
      setSource('idle');
      setCodeError(read.error.message);
      return;
    }
    if (!read.image) {
      setSource('idle');
      setCodeError('The clipboard holds no picture. Copy a picture of the QR code first.');
      return;
    }
    await acceptScan(await scanDataUrl(read.image));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!joining) void join(code);
  };

  return (
    <form
      className="join-form"
      onSubmit={submit}
      noValidate
      aria-label="Join with a QR code"
      data-testid="join-form"
    >
      <p className="tab-intro">
        On a computer that already opens your vault, go to Devices and choose Pair a device. Then
        scan the code it shows.
      </p>
      <TextField
        label="Device name"
        value={deviceName}
        onChange={(value) => {
          setDeviceName(value);
          setNameError(null);
        }}
        error={nameError}
        hint="The other device shows this name when it lets this computer in."
        autoComplete="off"
        spellCheck={false}
        disabled={joining}
        inputRef={nameRef}
        testId="join-device-name"
      />
      <div className="scan-sources" role="group" aria-label="Read the QR code">
        <button
          type="button"
          className="button"
          onClick={() => void (source === 'camera' ? stopCamera() : startCamera())}
          disabled={joining}
          aria-pressed={source === 'camera'}
        >
          <Icon name="camera" size={15} />
          {source === 'camera' ? 'Stop camera' : 'Use camera'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => fileRef.current?.click()}
          disabled={joining}
        >
          <Icon name="image" size={15} />
          From an image file
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void fromClipboard()}
          disabled={joining}
        >
          <Icon name="clipboard" size={15} />
          From the clipboard
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="image/*"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="join-image-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            void fromFile(file);
          }}
        />
      </div>
      {source === 'camera' ? (
        <div className="camera-view">
          <video
            ref={videoRef}
            muted
            playsInline
            aria-label="Camera preview: hold the QR code in view"
          />
          <span className="camera-hint" role="status">
            Hold the code steady in view…
          </span>
        </div>
      ) : null}
      {source === 'reading' ? (
        <p className="busy-note" role="status">
          <Spinner size={12} /> Reading the QR code…
        </p>
      ) : null}
      <TextField
        label="Pairing code"
        value={code}
        onChange={(value) => {
          setCode(value);
          setFound(false);
          setCodeError(null);
          clearJoinError();
        }}
        error={codeError}
        hint={
          found
            ? 'Code found in the picture.'
            : 'Or paste the code as text: privicore://authorize?…'
        }
        placeholder="privicore://authorize?token=…"
        autoComplete="off"
        spellCheck={false}
        disabled={joining}
        inputRef={codeRef}
        testId="join-code"
      />
      {joinError ? (
        <div className="banner banner-error" role="alert" data-testid="join-error">
          <Icon name="alert" />
          <span className="banner-text">{joinError.message}</span>
        </div>
      ) : null}
      {joining ? (
        <p className="busy-note" role="status" data-testid="join-progress">
          <Spinner size={12} /> Joining the vault…
        </p>
      ) : null}
      <div className="form-actions">
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel} disabled={joining}>
            Cancel
          </button>
        ) : null}
        <button
          type="submit"
          className="button button-primary"
          disabled={joining}
          aria-busy={joining || undefined}
        >
          {joining ? <Spinner size={14} /> : <Icon name="qr" size={15} />}
          Join this vault
        </button>
      </div>
    </form>
  );
}
