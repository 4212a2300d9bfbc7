import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react'
import { accepts } from '../accept.ts'
import { errorDetail, renewSession } from '../session.ts'
import { action, type ViewProps } from '../view.ts'

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'uploading'; readonly name: string; readonly percent: number }
  | { readonly kind: 'success'; readonly name: string }
  | { readonly kind: 'failed'; readonly message: string }

interface Answer {
  readonly status: number
  readonly body: unknown
}

/**
 * POSTs the file with progress; XMLHttpRequest, because fetch reports no
 * upload progress. The session cookie goes with it, and the browser's Origin
 * header passes the server's CSRF check.
 */
function send(url: string, file: File, progress: (p: number) => void) {
  return new Promise<Answer>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) progress(Math.round((event.loaded / event.total) * 100))
    }
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      resolve({ status: xhr.status, body })
    }
    xhr.onerror = () => reject(new Error(`Failed to upload file: ${file.name}`))
    const form = new FormData()
    form.append('data', file, file.name)
    xhr.send(form)
  })
}

export function UploadDropzoneView({ node, page }: ViewProps) {
  const accept = typeof node.props['accept'] === 'string' ? node.props['accept'] : null
  const paste = node.props['enablePaste'] === true
  const onDrop = action(node.props['onDrop'])
  const input = useRef<HTMLInputElement>(null)
  const [state, setState] = useState<State>({ kind: 'idle' })
  const [over, setOver] = useState(false)

  const upload = useCallback(
    async (file: File) => {
      setState({ kind: 'uploading', name: file.name, percent: 0 })
      const url = `/api/core/data/upload?resolver_id=${encodeURIComponent(node.id)}`
      const progress = (percent: number) =>
        setState({ kind: 'uploading', name: file.name, percent })
      try {
        let answer = await send(url, file, progress)
        if (answer.status === 401) {
          await renewSession()
          answer = await send(url, file, progress)
        }
        if (answer.status >= 200 && answer.status < 300) {
          setState({ kind: 'success', name: file.name })
          page.run(onDrop)
        } else {
          const detail = errorDetail(answer.body) ?? `Failed to upload file: ${file.name}`
          setState({ kind: 'failed', message: detail })
        }
      } catch (error) {
        setState({
          kind: 'failed',
          message: error instanceof Error ? error.message : String(error),
        })
      }
    },
    [node.id, onDrop, page],
  )

  const take = useCallback(
    (files: readonly File[]) => {
      if (files.length > 1) {
        setState({ kind: 'failed', message: 'Upload failed. Please drop only one file at a time.' })
        return
      }
      const file = files[0]
      if (!file) return
      if (!accepts(accept, file.name, file.type)) {
        setState({
          kind: 'failed',
          message: `Upload failed. Please drop a file of the following type(s): ${accept ?? ''}`,
        })
        return
      }
      void upload(file)
    },
    [accept, upload],
  )

  useEffect(() => {
    if (!paste) return undefined
    const onPaste = (event: ClipboardEvent) => {
      const data = event.clipboardData
      if (!data) return
      const files = [...data.files]
      if (files.length > 0) return take(files)
      const pasted = data.getData('text')
      if (!pasted) return
      const csv = accepts(accept, 'pasted_data.csv', 'text/csv')
      take([
        new File([pasted], csv ? 'pasted_data.csv' : 'pasted_data.txt', {
          type: csv ? 'text/csv' : 'text/plain',
        }),
      ])
    }
    document.addEventListener('paste', onPaste)
    return () => document.removeEventListener('paste', onPaste)
  }, [paste, accept, take])

  const onDropEvent = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setOver(false)
    take([...event.dataTransfer.files])
  }
  const choose = () => input.current?.click()
  const busy = state.kind === 'uploading'

  return (
    <div
      className={`dara-dropzone${over ? ' dara-dropzone-over' : ''} dara-dropzone-${state.kind}`}
      role="button"
      tabIndex={0}
      aria-label="Upload a file"
      aria-busy={busy}
      onClick={busy ? undefined : choose}
      onKeyDown={(event) => {
        if (!busy && (event.key === 'Enter' || event.key === ' ')) choose()
      }}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDropEvent}
    >
      <input
        ref={input}
        type="file"
        hidden
        accept={accept ?? undefined}
        data-testid="dara-upload-input"
        onChange={(event) => {
          take([...(event.target.files ?? [])])
          event.target.value = ''
        }}
      />
      {state.kind === 'idle' && (
        <p>Drop a file here or click to choose one{paste ? ', or paste text anywhere' : ''}.</p>
      )}
      {state.kind === 'uploading' && (
        <div className="dara-dropzone-progress">
          <p>
            Uploading {state.name}… {state.percent}%
          </p>
          <progress max={100} value={state.percent} />
        </div>
      )}
      {state.kind === 'success' && (
        <p role="status" className="dara-dropzone-message">
          Upload Successful: {state.name}. Click to upload again.
        </p>
      )}
      {state.kind === 'failed' && (
        <p role="alert" className="dara-dropzone-message">
          Upload Failed: {state.message}
        </p>
      )}
    </div>
  )
}
