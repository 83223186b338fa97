/*
 * Type stubs for the HTTP clients the README shows but this project does not install (axios, got,
 * ky). Each declares only the subset of the real package's API that the README's blocks use, with
 * the same names and parameter shapes as the real declarations (axios 1, got 14, ky 1), so that a
 * README block that misuses them, or `getActionsHeader`/`createActionsFetch`, fails to compile.
 * Only test/readme.test.ts type-checks against them.
 */

declare module 'axios' {
  export interface AxiosRequestConfig<D = unknown> {
    headers?: Record<string, string | number | boolean>
    params?: unknown
    timeout?: number
    data?: D
  }
  export interface AxiosResponse<T = unknown> {
    data: T
    status: number
    statusText: string
    headers: Record<string, string>
  }
  export interface AxiosInstance {
    get<T = unknown>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>
    post<T = unknown, D = unknown>(url: string, data?: D, config?: AxiosRequestConfig<D>): Promise<AxiosResponse<T>>
    create(config?: AxiosRequestConfig): AxiosInstance
  }
  const axios: AxiosInstance
  export default axios
}

declare module 'got' {
  export interface OptionsInit {
    headers?: Record<string, string | string[] | undefined>
    json?: unknown
    body?: string
    timeout?: { request?: number }
  }
  export interface Response {
    statusCode: number
    body: string
  }
  export interface CancelableRequest<T> extends Promise<T> {
    json<R = unknown>(): Promise<R>
    text(): Promise<string>
  }
  export interface Got {
    (url: string | URL, options?: OptionsInit): CancelableRequest<Response>
    get(url: string | URL, options?: OptionsInit): CancelableRequest<Response>
    post(url: string | URL, options?: OptionsInit): CancelableRequest<Response>
  }
  const got: Got
  export default got
}

declare module 'ky' {
  export type Input = string | URL | Request
  export interface Options extends Omit<RequestInit, 'headers'> {
    headers?: RequestInit['headers'] | Record<string, string | undefined>
    json?: unknown
    prefixUrl?: string | URL
    fetch?: (input: Input, init?: RequestInit) => Promise<Response>
  }
  export interface ResponsePromise<T = unknown> extends Promise<Response> {
    json<J = T>(): Promise<J>
    text(): Promise<string>
  }
  export interface KyInstance {
    (url: Input, options?: Options): ResponsePromise
    get(url: Input, options?: Options): ResponsePromise
    post(url: Input, options?: Options): ResponsePromise
    create(defaults?: Options): KyInstance
  }
  const ky: KyInstance
  export default ky
}
